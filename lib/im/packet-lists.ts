/** The `packets` answer: inbox events sorted into its three lists, each packet with its inbox id. */
import type { PresencePacket, StatusPacket, StoredEvent } from "../store/inbox.js";
import type { LogItem } from "../store/messages.js";

type WithId<T> = T & { id: string };

export interface Packets {
  status: "ok";
  messages: WithId<LogItem>[];
  presences: WithId<PresencePacket>[];
  statuses: WithId<StatusPacket>[];
}

export function packetsOf(events: readonly StoredEvent[]): Packets {
  const answer: Packets = { status: "ok", messages: [], presences: [], statuses: [] };
  for (const { sk: id, event } of events) {
    if (event.kind === "message") answer.messages.push({ ...event.packet, id });
    else if (event.kind === "presence") answer.presences.push({ ...event.packet, id });
    else if (event.kind === "status") answer.statuses.push({ ...event.packet, id });
  }
  return answer;
}
