import { ApiError } from '../api/http';
import { hasMessage, type Translate } from '../i18n';

/** A message for the shopper, in the current language, for any thrown value. */
export function errorMessage(err: unknown, t: Translate): string {
  if (err instanceof ApiError) {
    const key = `err.${err.code}`;
    let msg = hasMessage(key) ? t(key) : t('err.generic');
    if (err.code === 'RATE_LIMITED' && err.retryAfter !== null) {
      msg += ` ${t('err.retryAfter', { s: err.retryAfter })}`;
    }
    return msg;
  }
  return t('err.generic');
}
