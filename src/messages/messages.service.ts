import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuthorizationService, type Principal } from '../auth/index.js';
import type { Message } from './message.entity.js';
import type { PageRequest } from './message-page.js';
import { DELETE_MESSAGE } from './messages.policies.js';
import { MessagesRepository, type MessagePage } from './messages.repository.js';

/** The rules about messages; `MessagesRepository` keeps them. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly repository: MessagesRepository,
    private readonly authorization: AuthorizationService,
  ) {}

  /** Newest first, one page at a time. */
  list(page: PageRequest): Promise<MessagePage> {
    return this.repository.list(page);
  }

  async findOne(id: string): Promise<Message> {
    const message = await this.repository.findById(id);
    if (!message) throw new NotFoundException('No message with this id');
    return message;
  }

  create(text: string, author: string): Promise<Message> {
    return this.repository.insert({ id: randomUUID(), text, author });
  }

  /** The author, or a moderator, may delete a message (the `messages.delete` policy). */
  async remove(id: string, caller: Principal): Promise<void> {
    const message = await this.findOne(id);
    await this.authorization.ensure(caller, message, DELETE_MESSAGE);
    if (!(await this.repository.delete(id))) {
      throw new NotFoundException('No message with this id');
    }
  }
}
