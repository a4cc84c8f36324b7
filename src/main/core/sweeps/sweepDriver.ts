import type { Core } from '../core';

/**
 * One step of every unfinished sweep, called by the queue owner's loop (src/main/queue) after each scheduling
 * pass: evaluate the early-termination policy on the running trials' primary metric, cancel the trials it stops,
 * submit new trials while the sweep's limits allow, and end the sweep (parent run HD_<id>) when it is done.
 * TEMPORARY stub (contract commit): the sweep engine replaces it.
 */
export async function tickSweeps(core: Core): Promise<void> {
  void core;
}
