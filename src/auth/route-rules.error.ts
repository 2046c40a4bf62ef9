/**
 * A route whose rules contradict each other: `@Public()` and `@Scopes()`/`@AnyScope()` on the same
 * route, directly or through its controller or a base class. Left alone, the route would be
 * silently open; the app refuses to start instead, naming the controller and the handler.
 */
export class RouteRulesError extends Error {
  constructor(
    readonly controller: string,
    readonly handler: string,
  ) {
    super(
      `${controller}.${handler} is @Public() and also requires scopes (@Scopes/@AnyScope on the ` +
        'handler, its controller or a base class): a public route checks no scope, so remove one',
    );
  }
}
