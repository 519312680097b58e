export { asItemError, failItem, ok } from '../../shared/items';
