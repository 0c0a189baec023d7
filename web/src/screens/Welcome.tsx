// The first-visit screen: what Ttokjang does, shown on an example plan built from the
// sample catalog (fixed figures, no request), before login.

import { Link } from 'react-router-dom';
import { AuthLayout } from '../components/Layout';
import { useI18n } from '../i18n';
import { categoryThumb } from '../lib/category';
import { formatDistance, formatKrw } from '../lib/format';

/** An offline plan for a small basket near 강남역, as the planner answers it on sample data. */
const EXAMPLE = {
  items: [
    { name: '서울우유 1L', qty: 2, category: 'dairy' },
    { name: '계란 30구', qty: 1, category: 'eggs' },
    { name: '풀무원 국산콩 두부 300g', qty: 2, category: 'tofu_beans' },
    { name: '대파 1단', qty: 1, category: 'vegetables' },
    { name: '신라면 5입', qty: 1, category: 'noodles' },
  ],
  stops: [
    { name: '이마트 역삼점', items: ['서울우유 1L × 2', '계란 30구', '신라면 5입'], subtotal: 17_640 },
    { name: 'GS더프레시 강남점', items: ['풀무원 국산콩 두부 300g × 2', '대파 1단'], subtotal: 7_260 },
  ],
  goods: 24_900,
  travel: 800,
  distanceM: 1_900,
  singleStore: 28_100,
};

export function WelcomeScreen() {
  const { t } = useI18n();
  const total = EXAMPLE.goods + EXAMPLE.travel;
  return (
    <AuthLayout title={t('welcome.title')}>
      <div data-testid="welcome">
        <ol className="welcome-steps">
          <li>{t('welcome.step1')}</li>
          <li>{t('welcome.step2')}</li>
          <li>{t('welcome.step3')}</li>
        </ol>
        <section className="card" aria-labelledby="example-h" data-testid="example-plan">
          <h2 id="example-h" className="card-title">
            {t('welcome.exampleTitle')}
          </h2>
          <p className="muted small">{t('welcome.exampleNote')}</p>
          <ul className="list">
            {EXAMPLE.items.map((i) => (
              <li key={i.name} className="row">
                <span className="thumb" aria-hidden="true">
                  {categoryThumb(i.category)}
                </span>
                <span className="row-main">
                  <span className="row-title">{i.name}</span>
                </span>
                <span className="muted">× {i.qty}</span>
              </li>
            ))}
          </ul>
          <h3 className="welcome-h3">{t('welcome.route', { n: EXAMPLE.stops.length, d: formatDistance(EXAMPLE.distanceM) })}</h3>
          <ol className="welcome-stops">
            {EXAMPLE.stops.map((s) => (
              <li key={s.name}>
                <strong>{s.name}</strong> · {formatKrw(s.subtotal)}
                <br />
                <span className="muted small">{s.items.join(', ')}</span>
              </li>
            ))}
          </ol>
          <p className="estimate">
            <span>{t('welcome.total')}</span>
            <span className="estimate-value" data-testid="example-total">
              {formatKrw(total)}
            </span>
          </p>
          <p className="muted small">
            {t('welcome.saving', { single: formatKrw(EXAMPLE.singleStore), saved: formatKrw(EXAMPLE.singleStore - total) })}
          </p>
        </section>
        <div className="welcome-cta">
          <Link to="/login" className="btn btn-primary btn-block" data-testid="welcome-login">
            {t('welcome.login')}
          </Link>
          <Link to="/register" className="btn btn-outline btn-block" data-testid="welcome-register">
            {t('welcome.register')}
          </Link>
        </div>
      </div>
    </AuthLayout>
  );
}
