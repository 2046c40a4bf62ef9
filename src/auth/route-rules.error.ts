/**
 * A route whose rules can't be right, found at start, naming the controller and the handler:
 * `@Public()` with `@Scopes`/`@AnyScope`/`@Roles`/`@AnyRole`/`@Policy` on the same route (directly,
 * through its controller or a base class), which would leave it silently open, or a `@Policy`
 * whose name is not registered. The app refuses to start instead.
 */
export class RouteRulesError extends Error {
  constructor(
    readonly controller: string,
    readonly handler: string,
    problem = publicAndRestricted(['scopes']),
  ) {
    super(`${controller}.${handler} ${problem}`);
  }

  /** `@Public()` and `rules` (`scopes`, `roles`, `a policy`) on one route. */
  static publicAndRestricted(controller: string, handler: string, rules: readonly string[]) {
    return new RouteRulesError(controller, handler, publicAndRestricted(rules));
  }

  /** `@Policy(name)` with no policy registered under that name. */
  static unknownPolicy(
    controller: string,
    handler: string,
    name: string,
    registered: readonly string[],
  ) {
    return new RouteRulesError(
      controller,
      handler,
      `requires the policy ${name}, which is not registered: add it to AuthModule.forRoot({ policies }) ` +
        `(registered: ${registered.length > 0 ? registered.join(', ') : 'none'})`,
    );
  }
}

function publicAndRestricted(rules: readonly string[]): string {
  return (
    `is @Public() and also requires ${rules.join(' and ')} (@Scopes/@AnyScope, @Roles/@AnyRole or ` +
    '@Policy on the handler, its controller or a base class): a public route checks none of them, ' +
    'so remove one'
  );
}
