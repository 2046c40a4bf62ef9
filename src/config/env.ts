/** Reading environment variables: what every settings module of the app shares. */
export type Env = Record<string, string | undefined>;

/** Unset, or only spaces: the variable is treated as absent. */
export const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';

/** A comma-separated list, trimmed, without empty items; undefined when blank. */
export function list(v: string | undefined): string[] | undefined {
  return blank(v)
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}
