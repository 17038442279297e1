/**
 * Where frames come from: live capture (cap), a pcap/pcapng file, or the demo.
 * Frames are pushed one call at a time into a sink; the buffer is only valid
 * during the call (sources reuse it), which keeps the hot path allocation-free.
 */
export interface FrameSink {
  /**
   * @param buf        buffer holding the frame (reused after the call returns)
   * @param offset     where the frame starts in buf
   * @param capLen     captured bytes available at offset
   * @param origLen    original length on the wire as the source recorded it; 0 when unknown
   * @param tsMs       timestamp in epoch milliseconds (fractional allowed)
   * @param linkType   pcap LINKTYPE_* of this frame (pcapng interfaces may differ)
   */
  frame(buf: Buffer, offset: number, capLen: number, origLen: number, tsMs: number, linkType: number): void;
}

export interface SourceStats {
  /** Frames delivered so far. */
  frames: number;
  /** Frames the capture lost, when knowable; null otherwise. */
  dropped: number | null;
}

export interface PacketSource {
  /** Interface name, file path or "demo": shown in the status line and JSON. */
  readonly name: string;
  /** True when timestamps come from the source (files): the engine follows capture time. */
  readonly recordedTime: boolean;
  /**
   * Deliver frames into sink until the source ends or stop() is called.
   * Resolves at the end (files: end of file); rejects with a UserError for
   * environment problems (no permission, bad filter, not a capture file).
   */
  run(sink: FrameSink): Promise<void>;
  /**
   * Sources that can be read twice (regular files): deliver frames from the
   * start into sink until `enough()` or the end, in a read of their own that
   * leaves run() untouched. Resolves false, having read nothing, when this
   * source cannot be read twice (a pipe). Absent: never possible.
   */
  prescan?(sink: FrameSink, enough: () => boolean): Promise<boolean>;
  stop(): void;
  stats(): SourceStats;
}
