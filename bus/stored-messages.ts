import type { JetStreamManager, MsgRequest, StoredMsg } from "nats";
import { isNotFound } from "./resources.ts";
import { retryTransient } from "./transient-retry.ts";

/**
 * The stored messages of one subject filter, oldest first, fetched one at a time from the stream
 * leader (a message get with next_by_subj). No consumer is created: in a cluster with a node down
 * an ephemeral consumer is sometimes placed on the lost node and never answers (decision 0008),
 * while a message get is answered by whichever node leads the stream now, and it reads what the
 * leader has stored, never a follower's older copy.
 */
export async function* storedMessages(jsm: JetStreamManager, stream: string, subject: string, fromSequence = 1): AsyncGenerator<StoredMsg> {
  let sequence = Math.max(1, fromSequence);
  for (;;) {
    let message: StoredMsg;
    try {
      // nats.js types this request only for direct gets; nats-server 2.9 takes it on the leader's API too.
      const request = { seq: sequence, next_by_subj: subject } as unknown as MsgRequest;
      message = await retryTransient(() => jsm.streams.getMessage(stream, request));
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    yield message;
    sequence = message.seq + 1;
  }
}
