import { Injectable } from '@nestjs/common';
import type { Message } from './message.entity.js';

/** Storage for messages. Swap the provider in `MessagesModule` for a database-backed one. */
export abstract class MessagesRepository {
  abstract findAll(): Promise<Message[]>;
  abstract findById(id: string): Promise<Message | undefined>;
  abstract insert(message: Message): Promise<void>;
  abstract delete(id: string): Promise<boolean>;
}

@Injectable()
export class InMemoryMessagesRepository extends MessagesRepository {
  private readonly messages = new Map<string, Message>();

  findAll(): Promise<Message[]> {
    return Promise.resolve([...this.messages.values()]);
  }

  findById(id: string): Promise<Message | undefined> {
    return Promise.resolve(this.messages.get(id));
  }

  insert(message: Message): Promise<void> {
    this.messages.set(message.id, message);
    return Promise.resolve();
  }

  delete(id: string): Promise<boolean> {
    return Promise.resolve(this.messages.delete(id));
  }
}
