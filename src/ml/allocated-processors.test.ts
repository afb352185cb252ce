import { planAllocations } from './allocated-processors';

describe('planAllocations', () => {
  it('runs every allocation when they fit', () => {
    expect(planAllocations(2, 1, 2)).toEqual({ threadsPerAllocation: 1, allocations: 2 });
    expect(planAllocations(1, 2, 4)).toEqual({ threadsPerAllocation: 2, allocations: 1 });
  });

  it('places only the allocations whose threads fit', () => {
    expect(planAllocations(10, 1, 2)).toEqual({ threadsPerAllocation: 1, allocations: 2 });
    expect(planAllocations(3, 2, 4)).toEqual({ threadsPerAllocation: 2, allocations: 2 });
  });

  it('lowers threads per allocation to the hardware threads', () => {
    expect(planAllocations(1, 8, 2)).toEqual({ threadsPerAllocation: 2, allocations: 1 });
    expect(planAllocations(1, 32, 6)).toEqual({ threadsPerAllocation: 4, allocations: 1 });
  });

  it('keeps zero allocations at zero (scaled to zero)', () => {
    expect(planAllocations(0, 1, 2)).toEqual({ threadsPerAllocation: 1, allocations: 0 });
  });
});
