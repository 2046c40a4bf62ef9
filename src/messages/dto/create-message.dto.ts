import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateMessageDto {
  /** 1 to 1000 characters. */
  @ApiProperty({ minLength: 1, maxLength: 1000, example: 'Hello' })
  @IsString()
  @Length(1, 1000)
  text!: string;
}
