/** Unique, valid identifiers: resident IDs, card and account numbers, credit codes, names. */
import {
  addDays,
  CREDIT_CHARSET,
  creditCodeWithCheckCharacter,
  luhnCheckDigit,
  residentIdWithCheckDigit,
} from '@wagewatch/domain';
import { GIVEN_FEMALE, GIVEN_MALE, SURNAMES, YI_NAMES } from './data.ts';
import type { Rng } from './prng.ts';

/** Birth dates 1965-01-01 .. 2004-12-31. */
const BIRTH_FROM = '1965-01-01';
const BIRTH_SPAN_DAYS = 14_610;

export class Identities {
  private readonly used = new Set<string>();

  constructor(private readonly rng: Rng) {}

  private unique(make: () => string): string {
    for (;;) {
      const v = make();
      if (!this.used.has(v)) {
        this.used.add(v);
        return v;
      }
    }
  }

  /** An 18-character resident ID of that area, born 1965-2004; the 17th digit gives the sex. */
  residentId(area: string, female: boolean): string {
    return this.unique(() => {
      const birth = addDays(BIRTH_FROM, this.rng.int(0, BIRTH_SPAN_DAYS - 1)).replaceAll('-', '');
      const seq = this.rng.int(0, 99) * 10 + (female ? 2 * this.rng.int(0, 4) : 2 * this.rng.int(0, 4) + 1);
      return residentIdWithCheckDigit(`${area}${birth}${String(seq).padStart(3, '0')}`);
    });
  }

  /** A 19-digit bank card number with its Luhn digit. */
  card(prefix: string): string {
    return this.unique(() => {
      const body = prefix + this.rng.digits(18 - prefix.length);
      return body + luhnCheckDigit(body);
    });
  }

  /** A corporate account number (wage account, owner's account). */
  account(prefix: string, length: number): string {
    return this.unique(() => prefix + this.rng.digits(length - prefix.length));
  }

  /** '91' + 6-digit area + 9 characters + check character. */
  creditCode(area = '510400'): string {
    return this.unique(() => {
      let s = `91${area}`;
      for (let i = 0; i < 9; i++) s += this.rng.pick([...CREDIT_CHARSET]);
      return creditCodeWithCheckCharacter(s);
    });
  }

  /** A realistic name (not unique: namesakes happen). */
  name(female: boolean, yi = false): string {
    if (yi) return this.rng.pick(YI_NAMES);
    const given = female ? GIVEN_FEMALE : GIVEN_MALE;
    const surname = this.rng.pickSkewed(SURNAMES);
    const first = this.rng.pick(given);
    return this.rng.chance(0.7) ? surname + first + this.rng.pick(given) : surname + first;
  }
}
