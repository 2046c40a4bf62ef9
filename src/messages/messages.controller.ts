import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal, Scopes, type Principal } from '../auth/index.js';
import { CreateMessageDto } from './dto/create-message.dto.js';
import type { Message } from './message.entity.js';
import { MessagesService } from './messages.service.js';

@Controller('messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @ApiOperation({ summary: 'List messages' })
  @Scopes('messages:read')
  findAll(): Promise<Message[]> {
    return this.messages.findAll();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read one message' })
  @Scopes('messages:read')
  findOne(@Param('id') id: string): Promise<Message> {
    return this.messages.findOne(id);
  }

  @Post()
  @ApiOperation({ summary: 'Post a message' })
  @Scopes('messages:write')
  create(@Body() dto: CreateMessageDto, @CurrentPrincipal() caller: Principal): Promise<Message> {
    return this.messages.create(dto.text, caller.sub);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete your message' })
  @HttpCode(204)
  @Scopes('messages:write')
  remove(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<void> {
    return this.messages.remove(id, caller.sub);
  }
}
