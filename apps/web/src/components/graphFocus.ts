/** The `graphFocus` value that shows every Service at once (undefined is "auto"). */
export const ALL_SERVICES = '*';
