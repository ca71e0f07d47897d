import { torch, type StateDictKeyMap } from '../weights/state-dict.js';

/**
 * Keys of the pre-norm block around the attention — timm's `Block` and the
 * official PVT / Swin / CSwin blocks: `norm1`, `norm2`, `mlp.fc1`, `mlp.fc2` —
 * onto `TransformerBlock`'s weight paths.
 */
export function timmBlockKeyMap(): StateDictKeyMap {
  return {
    'norm1.weight': 'norm1/gamma',
    'norm1.bias': 'norm1/beta',
    'norm2.weight': 'norm2/gamma',
    'norm2.bias': 'norm2/beta',
    'mlp.fc1.weight': { to: 'mlp/fc1/kernel', transform: torch.linear },
    'mlp.fc1.bias': 'mlp/fc1/bias',
    'mlp.fc2.weight': { to: 'mlp/fc2/kernel', transform: torch.linear },
    'mlp.fc2.bias': 'mlp/fc2/bias',
  };
}
