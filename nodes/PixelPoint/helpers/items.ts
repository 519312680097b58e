export { failItem, ok } from '../../shared/items';
