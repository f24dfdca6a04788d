import { badUserInput } from "../../../core/errors";

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * The commonest passwords (the top of the public breach lists, their Russian-keyboard cousins
 * and the shop's own obvious words). Only those at least MIN_PASSWORD_LENGTH long could pass the
 * length rule, but the whole list is kept so a lowered minimum stays safe.
 */
const COMMON_PASSWORDS = new Set<string>([
  "123456",
  "123456789",
  "12345678",
  "password",
  "qwerty123",
  "qwerty1",
  "111111",
  "12345",
  "1234567",
  "123123",
  "1234567890",
  "000000",
  "abc123",
  "password1",
  "iloveyou",
  "1q2w3e4r",
  "1q2w3e4r5t",
  "1q2w3e4r5t6y",
  "qwerty",
  "qwertyuiop",
  "123321",
  "654321",
  "666666",
  "777777",
  "888888",
  "987654321",
  "123qwe",
  "qwe123",
  "zaq12wsx",
  "1qaz2wsx",
  "1qaz2wsx3edc",
  "asdfghjkl",
  "asdfgh",
  "monkey",
  "dragon",
  "letmein",
  "football",
  "baseball",
  "welcome",
  "welcome1",
  "admin",
  "admin123",
  "administrator",
  "root",
  "master",
  "sunshine",
  "princess",
  "shadow",
  "superman",
  "michael",
  "trustno1",
  "passw0rd",
  "p@ssw0rd",
  "p@ssword",
  "password123",
  "password1234",
  "qwerty12345",
  "qwerty123456",
  "1234qwer",
  "12341234",
  "11111111",
  "1111111111",
  "0987654321",
  "123456a",
  "a123456",
  "aa123456",
  "abcd1234",
  "abcdef",
  "abcdefgh",
  "abcdefghij",
  "changeme",
  "secret",
  "letmein123",
  "iloveyou1",
  "qazwsxedc",
  "zxcvbnm",
  "zxcvbnm123",
  "qwertyui",
  "1234554321",
  "5555555555",
  "1234512345",
  "987654321a",
  "0123456789",
  "123456789a",
  "123456789q",
  "qwerty1234",
  "q1w2e3r4t5",
  "q1w2e3r4t5y6",
  "йцукен",
  "йцукенгшщз",
  "пароль",
  "пароль123",
  "любовь",
  "qwertyqwerty",
  "cvety.kz",
  "cvetykz",
  "cvety123",
  "cvety2026",
  "almaty2026",
  "kazakhstan",
  "flowers123",
]);

/**
 * A new password: long enough, not too long for bcrypt's input, not one of the commonest
 * passwords (compared without case and surrounding spaces), and not the user's e-mail. The
 * password itself never appears in an error.
 */
export function validateNewPassword(password: string, field: string, email?: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw badUserInput(`${field} must be at least ${MIN_PASSWORD_LENGTH} characters long`, field);
  }
  // bcrypt reads the first 72 bytes; longer passwords are accepted up to this bound and cut there
  if (password.length > MAX_PASSWORD_LENGTH)
    throw badUserInput(`${field} must be at most ${MAX_PASSWORD_LENGTH} characters long`, field);
  const folded = password.trim().toLowerCase();
  if (COMMON_PASSWORDS.has(folded) || /^(.)\1*$/u.test(folded)) {
    throw badUserInput(`${field} is one of the commonest passwords; choose another`, field);
  }
  if (email && folded === email.trim().toLowerCase())
    throw badUserInput(`${field} must not be the e-mail address`, field);
  return password;
}
