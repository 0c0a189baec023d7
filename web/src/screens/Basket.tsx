import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { catalogApi as defaultCatalogApi, type CatalogApi } from '../api/catalog';
import { Spinner } from '../components/Layout';
import { ErrorBox, PageHeader, Stepper } from '../components/ui';
import { useI18n } from '../i18n';
import { useDebounced } from '../lib/hooks';
import { formatKrw } from '../lib/format';
import { priceCache } from '../api/priceCache';
import { MAX_QUANTITY, useBasket } from '../state/basket';
import type { Product } from '../types';

/** English name in English mode; in Korean the cheapest price we saw recently, if any. */
function useProductMeta() {
  const { t, lang } = useI18n();
  return (p: Product): string => {
    const seen = priceCache.forProduct(p.id)[0];
    const price = seen ? t('basket.seenPrice', { price: formatKrw(seen.price_krw) }) : '';
    const name = lang === 'en' && p.name_en ? p.name_en : '';
    return [name, price].filter(Boolean).join(' · ');
  };
}

export function ProductSearch({ api = defaultCatalogApi }: { api?: CatalogApi }) {
  const { t } = useI18n();
  const productMeta = useProductMeta();
  const basket = useBasket();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 300);
  const [results, setResults] = useState<Product[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<string | null>(null);

  useEffect(() => {
    if (query.length === 0) {
      setResults([]);
      setError(null);
      return;
    }
    const ctl = new AbortController();
    setLoading(true);
    api
      .searchProducts({ q: query, limit: 8, signal: ctl.signal })
      .then((page) => {
        setResults(page.items);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!(e instanceof DOMException && e.name === 'AbortError')) setError(e);
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
    return () => ctl.abort();
  }, [api, query]);

  async function add(p: Product) {
    await basket.addProduct(p, 1);
    setAdded(p.name);
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const first = results[0];
    if (first) await add(first);
    else if (q.trim().length >= 2) {
      await basket.addName(q.trim(), 1);
      setAdded(q.trim());
    }
  }

  return (
    <section className="card" aria-labelledby="search-h">
      <h2 id="search-h" className="card-title">
        {t('basket.searchTitle')}
      </h2>
      <form role="search" onSubmit={onSubmit} className="search-row">
        <input
          type="search"
          className="input"
          placeholder={t('basket.searchPlaceholder')}
          aria-label={t('basket.searchTitle')}
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setAdded(null);
          }}
          enterKeyHint="search"
          data-testid="catalog-search"
        />
      </form>
      {loading && <Spinner label={t('basket.searching')} />}
      <ErrorBox error={error} />
      {added && (
        <p className="toast" role="status" data-testid="added-toast">
          {t('basket.added', { name: added })}
        </p>
      )}
      {query && !loading && !error && results.length === 0 && (
        <p className="muted" data-testid="no-results">
          {t('basket.noResults')}
          {query.length >= 2 && (
            <>
              {' '}
              <button type="button" className="btn-link" onClick={() => void basket.addName(query, 1)}>
                {t('basket.addAsText', { name: query })}
              </button>
            </>
          )}
        </p>
      )}
      {results.length > 0 && q.trim() !== '' && (
        <ul className="list results" data-testid="search-results">
          {results.map((p) => (
            <li key={p.id} className="row">
              <div className="row-main">
                <span className="row-title">{p.name}</span>
                {productMeta(p) && <span className="row-sub">{productMeta(p)}</span>}
              </div>
              <button
                type="button"
                className="btn-small btn-primary"
                onClick={() => void add(p)}
                data-testid={`add-${p.id}`}
                aria-label={t('basket.addNamed', { name: p.name })}
              >
                {t('basket.add')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function BasketList() {
  const { t } = useI18n();
  const basket = useBasket();
  if (basket.source === 'loading') return <Spinner label={t('common.loading')} />;
  if (basket.items.length === 0) {
    return (
      <p className="empty" data-testid="basket-empty">
        {t('basket.empty')}
      </p>
    );
  }
  const total = basket.items.reduce((n, i) => n + i.quantity, 0);
  return (
    <>
      <p className="muted small" data-testid="basket-count">
        {t('basket.count', { lines: basket.items.length, total })}
      </p>
      <ul className="list" data-testid="basket-items">
        {basket.items.map((item) => (
          <li key={item.id} className="row" data-testid="basket-item">
            <div className="row-main">
              <span className="row-title" data-testid="basket-item-name">
                {item.name}
              </span>
              {item.note && <span className="row-sub">{item.note}</span>}
            </div>
            <Stepper
              value={item.quantity}
              max={MAX_QUANTITY}
              label={t('basket.quantityOf', { name: item.name })}
              disabled={basket.pending.has(item.id)}
              onChange={(n) => void basket.setQuantity(item.id, n)}
              testId={`qty-${item.product_id ?? item.id}`}
            />
            <button
              type="button"
              className="icon-btn"
              aria-label={t('basket.removeNamed', { name: item.name })}
              onClick={() => void basket.remove(item.id)}
              disabled={basket.pending.has(item.id)}
              data-testid={`remove-${item.product_id ?? item.id}`}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

export function BasketScreen({ catalogApi }: { catalogApi?: CatalogApi }) {
  const { t } = useI18n();
  const basket = useBasket();
  return (
    <section data-testid="basket-screen">
      <PageHeader title={t('basket.title')} />
      {basket.source === 'memory' && (
        <p className="notice small" role="note" data-testid="basket-memory">
          {t('basket.memoryMode')}
        </p>
      )}
      {basket.notice === 'conflict' && (
        <p className="notice" role="status" data-testid="basket-conflict">
          {t('basket.conflict')}{' '}
          <button type="button" className="btn-link" onClick={basket.dismissNotice}>
            {t('common.ok')}
          </button>
        </p>
      )}
      <ProductSearch {...(catalogApi ? { api: catalogApi } : {})} />
      <section className="card" aria-labelledby="basket-h">
        <h2 id="basket-h" className="card-title">
          {t('basket.mine')}
        </h2>
        <ErrorBox error={basket.error} onRetry={() => void basket.reload()} />
        <BasketList />
      </section>
      {basket.items.length > 0 && (
        <div className="sticky-cta">
          <Link to="/plans" className="btn btn-primary btn-block" data-testid="to-plans">
            {t('basket.toPlans')}
          </Link>
        </div>
      )}
    </section>
  );
}
