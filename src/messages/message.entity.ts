export interface Message {
  id: string;
  text: string;
  /** The `sub` of the token that created it. */
  author: string;
  createdAt: string;
}
