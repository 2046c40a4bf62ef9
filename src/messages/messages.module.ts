import { Module } from '@nestjs/common';
import { MessagesController } from './messages.controller.js';
import { InMemoryMessagesRepository, MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';

@Module({
  controllers: [MessagesController],
  providers: [
    MessagesService,
    { provide: MessagesRepository, useClass: InMemoryMessagesRepository },
  ],
})
export class MessagesModule {}
