"""Parameter names made on demand: the same names as the full list, found by arithmetic (issue 18)."""

import pytest

from fcviz.core.network import Network
from fcviz.core.parameter_names import ParameterNames


@pytest.mark.parametrize("sizes, use_bias", [([3, 12, 11, 2], True), ([1, 2, 1], False),
                                             ([15, 3, 1], [True, False])])
def test_the_names_are_those_of_the_network_in_params_order(sizes, use_bias):
    net = Network(sizes, ["tanh"] * (len(sizes) - 2) + ["linear"], use_bias=use_bias)
    names, lazy = net.parameter_names(), ParameterNames.of(net)
    assert len(lazy) == len(names) == len(net.params)
    assert list(lazy) == [lazy[k] for k in range(len(lazy))] == names
    assert [lazy.index(name) for name in names] == list(range(len(names)))
    assert lazy[-1] == names[-1] and lazy[2:5] == names[2:5]


@pytest.mark.parametrize("name", ["w99_1", "w1,1_1", "b1_9", "b3_1", "w13_2", "x", "w_1", ""])
def test_names_a_network_does_not_have_are_refused(name):
    lazy = ParameterNames.of(Network([1, 2, 1], ["tanh", "linear"], use_bias=[True, False]))
    assert name not in lazy
    with pytest.raises(ValueError, match="no parameter named"):
        lazy.index(name)


def test_a_ten_million_parameter_network_needs_no_list_of_names():
    names = ParameterNames([(1, 4096, True), (4096, 2400, True), (2400, 1, True)])
    assert len(names) == 2 * 4096 + 4097 * 2400 + 2401
    assert names[-1] == "b1_3" and names.index("w2400,1_3") == len(names) - 2
    # 5,000,000 - 8,192 = 1,218 units of 4,097 (4,096 weights and a bias) + 1,662
    assert names[5_000_000] == "w1663,1219_2" and names.index("w1663,1219_2") == 5_000_000


@pytest.mark.parametrize("layers", [[(3, 12, True), (12, 11, True), (11, 2, False)], [(1, 2, True), (2, 1, True)],
                                    [(15, 9, True), (9, 120, False), (120, 1, True)], [(10, 10, True), (10, 1, False)]])
def test_the_longest_names_start_with_one_as_long_as_any(layers):
    names = ParameterNames(layers)
    for count in (1, 5, 32):
        longest = names.longest(count)
        assert len(longest) == min(count, len(names)) and set(longest) <= set(names)
        assert len(longest[0]) == max(map(len, names)) and longest == sorted(longest, key=len, reverse=True)


def test_the_longest_names_of_ten_million_parameters_are_found_without_making_them():
    names = ParameterNames([(1, 4096, True), (4096, 2000, True), (2000, 1, True)])
    longest = names.longest(32)
    assert len(longest) == 32 and len(longest[0]) == len("w4096,2000_2")
    assert all(longest_name in names for longest_name in longest)


@pytest.mark.parametrize("layers", [[(1, 4, True), (4, 12, False), (12, 3, True)], [(11, 10, True), (10, 1, True)]])
def test_a_slice_holds_the_names_at_its_positions(layers):
    """Slices are made in order from their start (the loss surface's first 10k names took a search each)."""
    names = ParameterNames(layers)
    every = [names[k] for k in range(len(names))]
    for start in range(-len(every) - 2, len(every) + 2):
        for stop in (start + 1, start + 7, len(every) + 3, None):
            assert names[start:stop] == every[start:stop]
    assert names[1::3] == every[1::3] and names[::-1] == every[::-1]
