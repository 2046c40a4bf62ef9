import { policy } from '../auth/index.js';
import type { Message } from './message.entity.js';

/** The role that may delete anyone's message. */
export const MESSAGES_MODERATOR = 'messages.moderator';

/** Who may delete a message: its author, or a moderator (`AuthorizationService.ensure`). */
export const DELETE_MESSAGE = 'messages.delete';

/** The messages' policies, registered with `AuthModule` in `AppModule`. */
export const MESSAGES_POLICIES = {
  [DELETE_MESSAGE]: policy<Message>().requireAnyOf(
    policy<Message>().requireAssertion(
      ({ principal, resource }) => resource?.author === principal.sub,
      "the message's author",
    ),
    policy<Message>().requireRoles(MESSAGES_MODERATOR),
  ),
};
