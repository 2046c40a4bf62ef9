import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Message } from './message.entity.js';
import type { PageRequest } from './message-page.js';
import { MessagesRepository, type MessagePage } from './messages.repository.js';

/** The rules about messages; `MessagesRepository` keeps them. */
@Injectable()
export class MessagesService {
  constructor(private readonly repository: MessagesRepository) {}

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

  /** Only the author may delete a message. */
  async remove(id: string, caller: string): Promise<void> {
    const message = await this.findOne(id);
    if (message.author !== caller) {
      throw new ForbiddenException('Only the author of a message may delete it');
    }
    if (!(await this.repository.delete(id))) {
      throw new NotFoundException('No message with this id');
    }
  }
}
