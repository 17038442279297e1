// Types for pidusage 4 (the package ships none).
declare module 'pidusage' {
  function pidusage(pid: number | string, options?: pidusage.Options): Promise<pidusage.Status>;
  function pidusage(
    pids: (number | string)[],
    options?: pidusage.Options,
  ): Promise<Record<string, pidusage.Status | undefined>>;
  namespace pidusage {
    interface Status {
      /** percentage of one core since the previous call for this pid (can exceed 100 on several cores) */
      cpu: number;
      /** resident set size, bytes */
      memory: number;
      ppid: number;
      pid: number;
      /** ms of user + system CPU time */
      ctime: number;
      /** ms since the process started */
      elapsed: number;
      /** epoch ms of the sample */
      timestamp: number;
    }
    interface Options {
      usePs?: boolean;
      maxage?: number;
    }
    /** forget the per-pid history (and close the stat files it keeps open) */
    function clear(): void;
  }
  export = pidusage;
}
