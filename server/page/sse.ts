/** Server-sent events as the page reads them: with fetch, so that the bearer token goes in a header. */

export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
}

/** One message block (the lines between two blank lines) of an event stream. */
export function parseMessage(block: string): SseMessage {
  const message: SseMessage = {};
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") message.data = message.data === undefined ? value : `${message.data}\n${value}`;
    else if (field === "id" || field === "event") message[field] = value;
  }
  return message;
}

/** Reads one stream's messages until it ends; throws on a network error or an abort. */
export async function readStream(response: Response, onMessage: (message: SseMessage) => void): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const message = parseMessage(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      onMessage(message);
    }
  }
}
