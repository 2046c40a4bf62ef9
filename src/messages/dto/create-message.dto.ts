import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

/**
 * Well-formed UTF-16 without NUL: PostgreSQL text can't hold NUL, and half a surrogate pair would
 * come back as U+FFFD, not as it was sent.
 */
const STORABLE_TEXT = /^(?:[^\0\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

export class CreateMessageDto {
  /** 1 to 1000 characters, without NUL (`\u0000`). */
  @ApiProperty({ minLength: 1, maxLength: 1000, example: 'Hello' })
  @IsString()
  @Length(1, 1000)
  @Matches(STORABLE_TEXT, {
    message: 'text must not contain NUL (\\u0000) or unpaired surrogate characters',
  })
  text!: string;
}
