// Test helpers that drive app state from inside the providers.
import { useBasket } from '../state/basket';

export function BasketScreenProbe() {
  const b = useBasket();
  return (
    <div>
      <span data-testid="probe-source">{b.source}</span>
      <button type="button" data-testid="probe-add-milk" onClick={() => void b.addProduct({ id: 'p0101', name: '서울우유 1L' })}>
        add
      </button>
    </div>
  );
}
