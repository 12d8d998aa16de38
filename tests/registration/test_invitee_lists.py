"""Reading pasted lists of invitees, line by line, as spreadsheets, CSV files and address
books give them."""

import pytest

from ip4dialogue.registration.invitee_lists import LineProblem, ListedInvitee, read_invitees


@pytest.mark.parametrize(
    ("line", "invitees"),
    [
        ("kim@example.org", [("kim@example.org", "", "")]),
        ("kim@example.org,Dr Kim,KIDA", [("kim@example.org", "Dr Kim", "KIDA")]),
        ("Dr Kim\tkim@example.org\tKIDA", [("kim@example.org", "Dr Kim", "KIDA")]),
        ("kim@example.org;Dr Kim;KIDA", [("kim@example.org", "Dr Kim", "KIDA")]),
        ('"Kim, Min-jun",kim@example.org', [("kim@example.org", "Kim, Min-jun", "")]),
        ('"Kim, Dr" <kim@example.org>', [("kim@example.org", "Kim, Dr", "")]),
        ("Dr Kim <kim@example.org>, KIDA", [("kim@example.org", "Dr Kim", "KIDA")]),
        (
            '"Weber, Anna" <weber@example.org>; Lee <lee@example.org>',
            [("weber@example.org", "Weber, Anna", ""), ("lee@example.org", "Lee", "")],
        ),
        (
            "a@example.org; b@example.org",
            [("a@example.org", "", ""), ("b@example.org", "", "")],
        ),
    ],
)
def test_a_line_becomes_its_invitees(line, invitees):
    reading = read_invitees(line)
    assert reading.problems == []
    assert reading.invitees == [ListedInvitee(1, *invitee) for invitee in invitees]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Dr Kim, KIDA", "No email address on this line."),
        ("Dr Kim, kim@example.org, lee@example.org", "More than one address beside a name"),
        ("A <a@example.org>; B <b@example.org>, KIDA", "An organisation after several"),
    ],
)
def test_a_line_that_cannot_be_read_says_why_and_keeps_its_text(line, message):
    reading = read_invitees(f"ok@example.org\n{line}\n")
    assert reading.invitees == [ListedInvitee(1, "ok@example.org")]
    (problem,) = reading.problems
    assert problem.line == 2
    assert problem.text == line
    assert problem.message.startswith(message)


@pytest.mark.parametrize("header", ["email,name,organisation", "Name\tE-mail\tOrganisation"])
def test_a_first_line_of_column_names_is_skipped(header):
    assert read_invitees(f"{header}\nkim@example.org") == read_invitees("\nkim@example.org")


def test_blank_lines_are_skipped_and_lines_keep_their_numbers():
    reading = read_invitees("\n\nkim@example.org\n   \nnope\n")
    assert reading.invitees == [ListedInvitee(3, "kim@example.org")]
    assert reading.problems == [LineProblem(5, "nope", "No email address on this line.")]
