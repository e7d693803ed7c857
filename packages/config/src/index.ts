/** Config revision understood by this codec (upstream Jailhouse v0.12 + master). */
export const CONFIG_REVISION = 14;
