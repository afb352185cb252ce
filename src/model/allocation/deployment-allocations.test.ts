import { initialAllocationCount } from './deployment-allocations';

describe('initialAllocationCount', () => {
  test.each([
    [{ numberOfAllocations: 3 }, 3],
    [{}, 1],
    [{ adaptiveAllocations: { enabled: true, min_number_of_allocations: 2, max_number_of_allocations: 4 } }, 2],
    [{ adaptiveAllocations: { enabled: true } }, 1],
    [{ adaptiveAllocations: { enabled: true, min_number_of_allocations: 0 } }, 1],
    [{ adaptiveAllocations: { enabled: false, min_number_of_allocations: 5 } }, 1],
  ])('%j starts %i', (request, expected) => {
    expect(initialAllocationCount(request)).toBe(expected);
  });
});
