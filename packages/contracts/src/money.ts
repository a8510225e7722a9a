import { z } from 'zod';

/** Amounts on the wire: decimal yuan strings with at most two decimals ("5200.00"). */
export const yuanString = z
  .string()
  .regex(
    /^\d{1,13}(\.\d{1,2})?$/,
    'must be a decimal amount in yuan with at most two decimals, e.g. "5200.00"',
  );
export const localDateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
export const periodString = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');
/** A balance, which a bank may report below zero (an overdrawn account): the same bounds, signed. */
export const signedYuanString = z
  .string()
  .regex(
    /^-?\d{1,13}(\.\d{1,2})?$/,
    'must be a decimal amount in yuan with at most two decimals, e.g. "5200.00" or "-12.30"',
  );
/**
 * A total of bounded amounts (a sheet's total, a worker's arrears over months, the cash held):
 * a sum may pass the 13 digits of one amount, up to what a bigint of fen holds (17 digits of
 * yuan). Findings and read models carry totals; records carry amounts.
 */
export const totalYuanString = z
  .string()
  .regex(/^\d{1,17}(\.\d{1,2})?$/, 'must be a decimal total in yuan with at most two decimals');
export const signedTotalYuanString = z
  .string()
  .regex(/^-?\d{1,17}(\.\d{1,2})?$/, 'must be a decimal total in yuan with at most two decimals');
