/** Said wherever reading a value moved the server's hit/miss counters. */
export const GET_NOTE = "Reading this value counted as a get (hit/miss) on the server";
