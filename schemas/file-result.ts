import { rawFileCodec } from "../bus/codec.ts";
import { fileResultHeadersSchema } from "./file-job.ts";

/**
 * The file-writer's answer: the file's raw bytes, with its metadata in headers. It lives here, not in the
 * file-writer's folder, because the code agent decodes it too and agents share contracts, never each other.
 */
export const fileResultCodec = rawFileCodec(fileResultHeadersSchema);

/** The prefix of a writer's refusal of edits; the code agent hands what follows it to the next attempt. */
export const editsRefusedPrefix = "edits refused: ";
