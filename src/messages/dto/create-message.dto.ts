import { IsString, Length } from 'class-validator';

export class CreateMessageDto {
  /** 1 to 1000 characters. */
  @IsString()
  @Length(1, 1000)
  text!: string;
}
