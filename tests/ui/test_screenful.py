"""The first screenful of a reopened conversation (ui/messages/screenful.py)."""

from desktop_chat.ui.messages.screenful import estimated_height, screenful


def test_a_long_message_is_taller_than_a_short_one_and_blank_lines_add_nothing():
    short = estimated_height("Hello there.", 600)
    long = estimated_height("word " * 400, 600)
    assert long > 4 * short
    assert estimated_height("one\n\n\n\ntwo", 600) == estimated_height("one\ntwo", 600)


def test_narrower_columns_make_taller_messages():
    text = "word " * 200
    assert estimated_height(text, 300) > estimated_height(text, 900)


def test_short_messages_build_more_and_long_ones_fewer():
    shorts = ["ok?", "Fine."] * 10
    longs = ["word " * 300] * 20
    few = screenful(longs, height_px=720, width_px=600, least=2, most=8)
    many = screenful(shorts, height_px=720, width_px=600, least=2, most=8)
    assert few < many
    assert many == 8  # never more than `most`
    assert 2 <= few <= 3


def test_the_newest_just_fill_the_window():
    texts = ["word " * 60] * 20  # each ≈ 200 px at 600 px wide
    count = screenful(texts, height_px=720, width_px=600, least=2, most=20)
    covered = sum(estimated_height(t, 600) for t in texts[-count:])
    assert covered >= 720
    assert covered - estimated_height(texts[0], 600) < 720  # one fewer would not


def test_fewer_messages_than_least_builds_all_of_them():
    assert screenful(["only one"], height_px=720, width_px=600, least=2, most=8) == 1
    assert screenful([], height_px=720, width_px=600, least=2, most=8) == 0
