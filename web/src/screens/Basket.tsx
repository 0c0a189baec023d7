import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router-dom';
import { catalogApi as defaultCatalogApi, type CatalogApi } from '../api/catalog';
import { ErrorBox, PageHeader, SkeletonList, Stepper } from '../components/ui';
import { VoiceButton } from '../components/Voice';
import { hasMessage, useI18n } from '../i18n';
import { categoryThumb } from '../lib/category';
import { useDebounced } from '../lib/hooks';
import { formatKrw } from '../lib/format';
import { priceCache } from '../api/priceCache';
import { MAX_QUANTITY, useBasket, useOptionalBasket } from '../state/basket';
import type { BasketItem, Product } from '../types';

/** English name in English mode; in Korean the cheapest price we saw recently, if any. */
function useProductMeta() {
  const { t, lang } = useI18n();
  return (p: Product): string => {
    const name = lang === 'en' && p.name_en ? p.name_en : '';
    if (p.lowest_price_krw !== undefined) return name;
    const seen = priceCache.forProduct(p.id)[0];
    const price = seen ? t('basket.seenPrice', { price: formatKrw(seen.price_krw) }) : '';
    return [name, price].filter(Boolean).join(' · ');
  };
}

function Thumb({ p }: { p: Pick<Product, 'category' | 'image_url'> }) {
  return (
    <span className="thumb" aria-hidden="true">
      {p.image_url ? <img src={p.image_url} alt="" loading="lazy" /> : categoryThumb(p.category)}
    </span>
  );
}

/** "최저 3,180원 · 근처 12곳" and "100ml당 331원", when the answer has them. */
function NearbyPrice({ p }: { p: Product }) {
  const { t } = useI18n();
  if (p.lowest_price_krw === undefined) return null;
  if (p.lowest_price_krw === null) {
    return <span className="row-sub" data-testid="price-none">{t('search.noNearby')}</span>;
  }
  const unit = p.unit_price;
  const basisKey = unit ? `unit.${unit.basis}` : '';
  return (
    <span className="row-sub">
      <span className="price-line" data-testid="price-lowest">
        {t('search.lowest', { price: formatKrw(p.lowest_price_krw), n: p.store_count ?? 0 })}
      </span>
      {unit && hasMessage(basisKey) && (
        <>
          {' '}
          <span className="unit-price" data-testid="unit-price">
            ({t('search.unitPrice', { basis: t(basisKey), price: formatKrw(unit.krw) })})
          </span>
        </>
      )}
    </span>
  );
}

export function ProductSearch({
  api = defaultCatalogApi,
  q: outerQ,
  onQ,
  onPick,
  title,
  headingId = 'search-h',
}: {
  api?: CatalogApi;
  /** controlled query (the basket's "상품 찾기" fills it) */
  q?: string;
  onQ?: (q: string) => void;
  /** picks a product for the caller (e.g. a reservation's items) instead of adding it to the basket */
  onPick?: (p: Product) => void;
  title?: string;
  headingId?: string;
}) {
  const { t } = useI18n();
  const productMeta = useProductMeta();
  const basket = useOptionalBasket();
  const [innerQ, setInnerQ] = useState('');
  const q = outerQ ?? innerQ;
  const setQ = onQ ?? setInnerQ;
  const query = useDebounced(q.trim(), 300);
  const [results, setResults] = useState<Product[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
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
        if (!(e instanceof DOMException && e.name === 'AbortError')) {
          setResults([]);
          setError(e);
        }
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
    return () => ctl.abort();
  }, [api, query, attempt]);

  async function add(p: Product) {
    if (onPick) onPick(p);
    else if (basket) await basket.addProduct(p, 1);
    else return;
    setAdded(p.name);
  }

  async function onSubmit(e: FormEvent | KeyboardEvent) {
    e.preventDefault();
    const first = results[0];
    if (first) await add(first);
    else if (q.trim().length >= 2 && basket && !onPick) {
      await basket.addName(q.trim(), 1);
      setAdded(q.trim());
    }
  }

  const searchFields = (
    <>
      <input
        type="search"
        className="input"
        placeholder={t('basket.searchPlaceholder')}
        aria-label={title ?? t('basket.searchTitle')}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setAdded(null);
        }}
        enterKeyHint="search"
        onKeyDown={
          onPick
            ? (e) => {
                // inside the caller's form: Enter picks the first hit, never submits that form
                if (e.key === 'Enter') void onSubmit(e);
              }
            : undefined
        }
        data-testid="catalog-search"
      />
      <VoiceButton
        testId="search-voice"
        onText={(text) => {
          setQ(text);
          setAdded(null);
        }}
      />
    </>
  );

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId} className="card-title">
        {title ?? t('basket.searchTitle')}
      </h2>
      {onPick ? (
        <div role="search" className="search-row">
          {searchFields}
        </div>
      ) : (
        <form role="search" onSubmit={onSubmit} className="search-row">
          {searchFields}
        </form>
      )}
      {loading && results.length === 0 && <SkeletonList rows={3} label={t('basket.searching')} />}
      <ErrorBox error={error} onRetry={() => setAttempt((n) => n + 1)} testId="search-error" />
      {added && !onPick && (
        <p className="toast" role="status" data-testid="added-toast">
          {t('basket.added', { name: added })}
        </p>
      )}
      {query && !loading && !error && results.length === 0 && (
        <p className="muted" data-testid="no-results">
          {t('basket.noResults')}
          {query.length >= 2 && basket && !onPick && (
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
              <Thumb p={p} />
              <div className="row-main">
                <span className="row-title">{p.name}</span>
                <NearbyPrice p={p} />
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

/** Nearby prices of the basket's products (by id), refreshed when the set of products changes. */
function useLinePrices(api: CatalogApi, productIds: string[]): Map<string, Product> {
  const [prices, setPrices] = useState<Map<string, Product>>(new Map());
  const key = [...new Set(productIds)].sort().join(',');
  useEffect(() => {
    if (key === '') {
      setPrices(new Map());
      return;
    }
    const ctl = new AbortController();
    api
      .productsByIds(key.split(','), ctl.signal)
      .then((items) => setPrices(new Map(items.map((p) => [p.id, p]))))
      .catch(() => undefined); // prices are a help, never a blocker
    return () => ctl.abort();
  }, [api, key]);
  return prices;
}

interface Removed {
  item: BasketItem;
}

export function BasketList({
  catalogApi = defaultCatalogApi,
  onFind,
}: {
  catalogApi?: CatalogApi;
  /** "상품 찾기" on a free-text line: search for its name */
  onFind?: (name: string) => void;
}) {
  const { t } = useI18n();
  const basket = useBasket();
  const [removed, setRemoved] = useState<Removed | null>(null);
  const prices = useLinePrices(
    catalogApi,
    basket.items.flatMap((i) => (i.product_id ? [i.product_id] : [])),
  );

  useEffect(() => {
    if (!removed) return;
    const timer = setTimeout(() => setRemoved(null), 8000);
    return () => clearTimeout(timer);
  }, [removed]);

  function removeLine(item: BasketItem) {
    setRemoved({ item });
    void basket.remove(item.id);
  }

  function undo() {
    if (!removed) return;
    const { item } = removed;
    setRemoved(null);
    if (item.product_id) void basket.addProduct({ id: item.product_id, name: item.name }, item.quantity);
    else void basket.addName(item.name, item.quantity);
  }

  const undoToast = removed && (
    <div className="undo-toast" role="status" data-testid="undo-toast">
      <span>{t('basket.removed', { name: removed.item.name })}</span>
      <button type="button" className="btn-link" onClick={undo} data-testid="undo">
        {t('basket.undo')}
      </button>
    </div>
  );

  if (basket.source === 'loading') return <SkeletonList rows={3} label={t('common.loading')} />;
  if (basket.items.length === 0) {
    return (
      <>
        <p className="empty" data-testid="basket-empty">
          {t('basket.empty')}
        </p>
        {undoToast}
      </>
    );
  }
  const total = basket.items.reduce((n, i) => n + i.quantity, 0);
  let estimate = 0;
  let unknown = 0;
  for (const i of basket.items) {
    const low = i.product_id ? prices.get(i.product_id)?.lowest_price_krw : null;
    if (typeof low === 'number') estimate += low * i.quantity;
    else unknown += 1;
  }
  const priced = basket.items.length - unknown;
  return (
    <>
      <p className="muted small" data-testid="basket-count">
        {t('basket.count', { lines: basket.items.length, total })}
      </p>
      {basket.notice === 'rolledBack' && (
        <p className="form-error" role="alert" data-testid="basket-rolled-back">
          {t('basket.rolledBack')}
        </p>
      )}
      <ul className="list" data-testid="basket-items">
        {basket.items.map((item) => {
          const p = item.product_id ? prices.get(item.product_id) : undefined;
          return (
            <li key={item.id} className="row" data-testid="basket-item">
              <Thumb p={p ?? {}} />
              <div className="row-main">
                <span className="row-title" data-testid="basket-item-name">
                  {!item.product_id && (
                    <span className="badge-free" data-testid="free-text-badge">
                      {t('basket.freeText')}
                    </span>
                  )}
                  {item.name}
                </span>
                {typeof p?.lowest_price_krw === 'number' && (
                  <span className="row-sub price-line" data-testid="line-lowest">
                    {t('basket.lineLowest', { price: formatKrw(p.lowest_price_krw) })}
                  </span>
                )}
                {!item.product_id && (
                  <span className="row-sub" data-testid="free-text-hint">
                    {t('basket.freeTextHint')}{' '}
                    {onFind && (
                      <button
                        type="button"
                        className="btn-link"
                        onClick={() => onFind(item.name)}
                        aria-label={t('basket.findProductNamed', { name: item.name })}
                        data-testid="find-product"
                      >
                        {t('basket.findProduct')}
                      </button>
                    )}
                  </span>
                )}
                {item.note && <span className="row-sub">{item.note}</span>}
              </div>
              <Stepper
                value={item.quantity}
                max={MAX_QUANTITY}
                label={t('basket.quantityOf', { name: item.name })}
                onChange={(n) => {
                  if (n < 1) removeLine(item);
                  else void basket.setQuantity(item.id, n);
                }}
                testId={`qty-${item.product_id ?? item.id}`}
              />
              <button
                type="button"
                className="icon-btn"
                aria-label={t('basket.removeNamed', { name: item.name })}
                onClick={() => removeLine(item)}
                disabled={basket.pending.has(item.id)}
                data-testid={`remove-${item.product_id ?? item.id}`}
              >
                ✕
              </button>
            </li>
          );
        })}
      </ul>
      {priced > 0 && (
        <div className="estimate" data-testid="estimate">
          <span>{t('basket.estimate')}</span>
          <span className="estimate-value" data-testid="estimate-value">
            {t('basket.estimateValue', { total: formatKrw(estimate) })}
          </span>
        </div>
      )}
      {priced > 0 && unknown > 0 && (
        <p className="muted small" data-testid="estimate-unknown">
          {t('basket.estimateUnknown', { n: unknown })}
        </p>
      )}
      {undoToast}
    </>
  );
}

export function BasketScreen({ catalogApi }: { catalogApi?: CatalogApi }) {
  const { t } = useI18n();
  const basket = useBasket();
  const [q, setQ] = useState('');
  const api = catalogApi ?? defaultCatalogApi;
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
      <div className="split">
        <ProductSearch api={api} q={q} onQ={setQ} />
        <section className="card split-sticky" aria-labelledby="basket-h">
          <h2 id="basket-h" className="card-title">
            {t('basket.mine')}
          </h2>
          <ErrorBox error={basket.error} onRetry={() => void basket.reload()} />
          <BasketList
            catalogApi={api}
            onFind={(name) => {
              setQ(name);
              document.querySelector<HTMLInputElement>('[data-testid="catalog-search"]')?.focus();
            }}
          />
        </section>
      </div>
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
