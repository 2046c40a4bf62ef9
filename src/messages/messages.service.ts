import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Message } from './message.entity.js';
import { MessagesRepository } from './messages.repository.js';

@Injectable()
export class MessagesService {
  constructor(private readonly repository: MessagesRepository) {}

  findAll(): Promise<Message[]> {
    return this.repository.findAll();
  }

  async findOne(id: string): Promise<Message> {
    const message = await this.repository.findById(id);
    if (!message) throw new NotFoundException(`No message with id ${id}`);
    return message;
  }

  async create(text: string, author: string): Promise<Message> {
    const message = { id: randomUUID(), text, author, createdAt: new Date().toISOString() };
    await this.repository.insert(message);
    return message;
  }

  /** Only the author may delete a message. */
  async remove(id: string, caller: string): Promise<void> {
    const message = await this.findOne(id);
    if (message.author !== caller) {
      throw new ForbiddenException('Only the author of a message may delete it');
    }
    await this.repository.delete(id);
  }
}
