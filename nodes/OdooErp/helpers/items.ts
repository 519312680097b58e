export { asItemError, failItem, ok, passOn } from '../../shared/items';
