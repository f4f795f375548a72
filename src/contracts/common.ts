import * as z from 'zod';

/** The small shapes every result schema is made of. */
export const num = z.number();
export const nonneg = z.number().nonnegative();
export const int = z.number().int().nonnegative();
export const str = z.string();

/** Something worth telling the user that does not stop the command: a code to match on and a sentence. */
export const WarningSchema = z.object({ code: str, message: str });
