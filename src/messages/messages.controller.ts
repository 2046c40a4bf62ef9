import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { CurrentPrincipal, Scopes, type Principal } from '../auth/index.js';
import { CreateMessageDto } from './dto/create-message.dto.js';
import type { Message } from './message.entity.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, nextPageLink, pageRequest } from './message-page.js';
import { MessagesService } from './messages.service.js';

@Controller('messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** One page, newest first; `Link: <…>; rel="next"` (RFC 8288) when more remain. */
  @Get()
  @ApiOperation({ summary: 'List messages, newest first' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    description: 'From the `next` link of the previous page',
  })
  @ApiOkResponse({
    headers: {
      Link: {
        description: 'The next page: `<url>; rel="next"`, absent on the last page',
        schema: { type: 'string' },
      },
    },
  })
  @Scopes('messages:read')
  async findAll(
    @Query('limit') limit: unknown,
    @Query('cursor') cursor: unknown,
    @Req() request: unknown,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<Message[]> {
    const page = pageRequest({ limit, cursor });
    const { messages, next } = await this.messages.list(page);
    if (next) {
      const { httpAdapter } = this.adapterHost;
      const url = String(httpAdapter.getRequestUrl(request));
      httpAdapter.setHeader(response, 'Link', nextPageLink(url, page.limit, next));
    }
    return messages;
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
  @ApiOperation({ summary: 'Delete a message (its author, or a messages.moderator)' })
  @ApiForbiddenResponse({ description: 'Forbidden, no challenge: policy messages.delete not met' })
  @HttpCode(204)
  @Scopes('messages:write')
  remove(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<void> {
    return this.messages.remove(id, caller);
  }
}
