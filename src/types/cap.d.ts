declare module 'cap' {
  import { EventEmitter } from 'node:events';
  export interface DeviceAddress {
    addr?: string;
    netmask?: string;
    broadaddr?: string;
  }
  export interface Device {
    name: string;
    description?: string;
    addresses: DeviceAddress[];
    flags?: string;
  }
  export class Cap extends EventEmitter {
    constructor();
    /** Returns the link type name ("ETHERNET", "LINKTYPE_LINUX_SLL", "RAW", "NULL", …). */
    open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
    close(): void;
    send(buffer: Buffer, nBytes?: number): void;
    on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): this;
    static deviceList(): Device[];
    static findDevice(ip?: string): string | undefined;
  }
  const cap: { Cap: typeof Cap };
  export default cap;
}
