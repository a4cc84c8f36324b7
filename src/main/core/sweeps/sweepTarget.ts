/** The target of a sweep's parent run (HD_<id>): no script of its own, ended by the queue owner's sweep driver. */
export const SWEEP_TARGET = 'sweep';
/** Azure's run type of a HyperDrive parent run. */
export const SWEEP_RUN_TYPE = 'hyperdrive';
