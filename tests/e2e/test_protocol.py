"""Strict HTTP/1.1 over raw sockets (RFC 9112 / RFC 9110).

Every malformed request must get the right status, then the connection is closed, and the
server still answers a fresh connection. Well-formed but unusual requests (pipelining, bodies in
many pieces, Expect, chunked extensions, HTTP/1.0 keep-alive...) must work.
"""

import time

import pytest

from conftest import (
    ClosedBeforeResponse,
    RawConn,
    assert_alive,
    assert_error_then_close,
    build_request,
    chunked,
)

H = b"Host: t\r\n"


def post_head(target: bytes, *headers: bytes) -> bytes:
    return b"POST " + target + b" HTTP/1.1\r\n" + H + b"".join(h + b"\r\n" for h in headers) + b"\r\n"


# ---- message framing: Content-Length / Transfer-Encoding ------------------------------------


def test_content_length_with_transfer_encoding_is_400(srv):
    raw = post_head(b"/echo", b"Content-Length: 5", b"Transfer-Encoding: chunked") + b"5\r\nhello\r\n0\r\n\r\n"
    assert_error_then_close(srv, raw, 400)


def test_transfer_encoding_then_content_length_is_400(srv):
    raw = post_head(b"/echo", b"Transfer-Encoding: chunked", b"Content-Length: 5") + b"5\r\nhello\r\n0\r\n\r\n"
    assert_error_then_close(srv, raw, 400)


def test_two_different_content_lengths_are_400(srv):
    assert_error_then_close(srv, post_head(b"/echo", b"Content-Length: 5", b"Content-Length: 6") + b"hello!", 400)
    assert_error_then_close(srv, post_head(b"/echo", b"Content-Length: 5, 6") + b"hello!", 400)


def test_repeated_identical_content_length_is_accepted(srv):
    with srv.connect() as c:
        c.send(post_head(b"/echo", b"Content-Length: 5", b"Content-Length: 5") + b"hello")
        r = c.read_response()
        assert (r.status, r.body) == (200, b"hello"), r


@pytest.mark.parametrize(
    "value",
    [b"abc", b"-5", b"+5", b"5a", b"0x10", b"5 5", b"", b"99999999999999999999999", b"18446744073709551616"],
    ids=["alpha", "negative", "plus", "trailing-garbage", "hex", "two-numbers", "empty", "overflow", "u64-overflow"],
)
def test_invalid_content_length_is_400(srv, value):
    assert_error_then_close(srv, post_head(b"/echo", b"Content-Length: " + value) + b"hello", 400)


@pytest.mark.parametrize(
    "body",
    [b"zz\r\nhello\r\n0\r\n\r\n", b"-5\r\nhello\r\n0\r\n\r\n", b"0x5\r\nhello\r\n0\r\n\r\n",
     b" 5\r\nhello\r\n0\r\n\r\n", b"\r\nhello\r\n0\r\n\r\n"],
    ids=["not-hex", "negative", "0x-prefix", "leading-space", "empty"],
)
def test_bad_chunk_size_is_400(srv, body):
    assert_error_then_close(srv, post_head(b"/echo", b"Transfer-Encoding: chunked") + body, 400)


def test_overflowing_chunk_size_is_400_or_413(srv):
    # 2^64 + 5 would wrap to 5 in a 64-bit counter; a size over the body limit may also be 413.
    body = b"10000000000000005\r\nhello\r\n0\r\n\r\n"
    with srv.connect() as c:
        c.send(post_head(b"/echo", b"Transfer-Encoding: chunked") + body)
        r = c.read_response()
        assert r.status in (400, 413), r
        assert r.closes(), r
        assert c.read_until_close() == b""
    assert_alive(srv)


def test_chunk_size_beyond_64_bits_with_raised_limit_is_400(server):
    srv = server("--max-body", "18446744073709551615")
    assert_error_then_close(
        srv, post_head(b"/echo", b"Transfer-Encoding: chunked") + b"10000000000000005\r\nhello\r\n0\r\n\r\n", 400
    )


def test_missing_crlf_after_chunk_data_is_400(srv):
    assert_error_then_close(srv, post_head(b"/echo", b"Transfer-Encoding: chunked") + b"5\r\nhelloXX0\r\n\r\n", 400)
    assert_error_then_close(srv, post_head(b"/echo", b"Transfer-Encoding: chunked") + b"5\r\nhello\n0\r\n\r\n", 400)


def test_gzip_then_chunked_is_501(srv):
    assert_error_then_close(srv, post_head(b"/echo", b"Transfer-Encoding: gzip, chunked") + b"0\r\n\r\n", 501)


def test_chunked_then_gzip_is_400(srv):
    assert_error_then_close(srv, post_head(b"/echo", b"Transfer-Encoding: chunked, gzip") + b"0\r\n\r\n", 400)


def test_unknown_transfer_coding_is_501(srv):
    assert_error_then_close(srv, post_head(b"/echo", b"Transfer-Encoding: frobnicate") + b"hello", 501)


def test_chunked_twice_is_400(srv):
    assert_error_then_close(srv, post_head(b"/echo", b"Transfer-Encoding: chunked, chunked") + b"0\r\n\r\n", 400)


def test_transfer_encoding_in_http10_is_400(srv):
    raw = b"POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    assert_error_then_close(srv, raw, 400)


# ---- header syntax ----------------------------------------------------------------------------


def test_whitespace_before_colon_is_400(srv):
    assert_error_then_close(srv, b"GET / HTTP/1.1\r\nHost: t\r\nX-Test : a\r\n\r\n", 400)
    assert_error_then_close(srv, b"GET / HTTP/1.1\r\nHost\t: t\r\n\r\n", 400)


def test_obs_fold_is_400(srv):
    assert_error_then_close(srv, b"GET / HTTP/1.1\r\nHost: t\r\nX-Test: a\r\n  folded\r\n\r\n", 400)
    assert_error_then_close(srv, b"GET / HTTP/1.1\r\nHost: t\r\nX-Test: a\r\n\tfolded\r\n\r\n", 400)


@pytest.mark.parametrize("name", [b"X(Test)", b"X Test", b"X\x7fTest", b"X@Test", b"X\xe9Test", b"X\"Q"])
def test_invalid_header_name_is_400(srv, name):
    assert_error_then_close(srv, b"GET / HTTP/1.1\r\nHost: t\r\n" + name + b": v\r\n\r\n", 400)


def test_empty_header_name_is_400(srv):
    assert_error_then_close(srv, b"GET / HTTP/1.1\r\nHost: t\r\n: v\r\n\r\n", 400)


@pytest.mark.parametrize("method", [b"GE(T", b"G@T", b"GET\x00", b"G\xc3\xa9T", b"[GET]"])
def test_invalid_method_is_400(srv, method):
    assert_error_then_close(srv, method + b" / HTTP/1.1\r\nHost: t\r\n\r\n", 400)


def test_nul_in_header_value_is_400(srv):
    assert_error_then_close(srv, b"GET /header HTTP/1.1\r\nHost: t\r\nX-Test: a\x00b\r\n\r\n", 400)


def test_other_control_char_in_header_value_is_400(srv):
    assert_error_then_close(srv, b"GET /header HTTP/1.1\r\nHost: t\r\nX-Test: a\x01b\r\n\r\n", 400)


def test_bare_cr_is_400(srv):
    assert_error_then_close(srv, b"GET /header HTTP/1.1\r\nHost: t\r\nX-Test: a\rb\r\n\r\n", 400)
    assert_error_then_close(srv, b"GET / HTTP/1.1\rHost: t\r\n\r\n", 400)


@pytest.mark.parametrize(
    "raw",
    [b"GET / HTTP/1.1\nHost: t\n\n", b"GET / HTTP/1.1\r\nHost: t\nX-Test: a\r\n\r\n", b"GET / HTTP/1.1\r\nHost: t\r\n\n",
     b"GET / HTTP/1.1\nHost: t\r\n\r\n"],
    ids=["all-lf", "lf-inside", "lf-final-line", "lf-after-request-line"],
)
def test_bare_lf_line_endings_are_400(server, raw):
    # The parser is strict (parser.hpp): a bare LF is an error, found in byte order, so the 400
    # must come at once, whether or not a CRLF CRLF ever arrives. A long header timeout makes
    # sure a 408 cannot stand in for it; the read deadline is only a bound.
    srv = server("--header-timeout", "60000")
    with srv.connect() as c:
        c.send(raw)
        r = c.read_response(timeout=5)
        assert r.status == 400 and r.closes(), r
        assert c.read_until_close() == b""
    assert_alive(srv)


def test_header_values_keep_inner_whitespace_and_drop_outer(srv):
    with srv.connect() as c:
        r = c.request("GET", "/header", {"X-Test": "  a \t b  "})
        assert (r.status, r.body) == (200, b"a \t b"), r


def test_obs_text_in_header_value_is_accepted(srv):
    with srv.connect() as c:
        c.send(b"GET /header HTTP/1.1\r\nHost: t\r\nX-Test: caf\xe9\r\n\r\n")
        r = c.read_response()
        assert (r.status, r.body) == (200, b"caf\xe9"), r


# ---- request line, version, Host --------------------------------------------------------------


def test_http11_without_host_is_400(srv):
    assert_error_then_close(srv, b"GET / HTTP/1.1\r\n\r\n", 400, "host")


def test_two_host_headers_are_400(srv):
    assert_error_then_close(srv, b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "host")


def test_invalid_host_is_400(srv):
    assert_error_then_close(srv, b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400)
    assert_error_then_close(srv, b"GET / HTTP/1.1\r\nHost: a:b\r\n\r\n", 400)


def test_http10_without_host_is_fine(srv):
    with srv.connect() as c:
        c.send(b"GET /info HTTP/1.0\r\n\r\n")
        r = c.read_response()
        assert r.status == 200, r
        assert b"version=1.0" in r.body, r
        # HTTP/1.0 without keep-alive: the server closes after the response.
        assert c.read_until_close() == b""


def test_http2_version_is_505(srv):
    assert_error_then_close(srv, b"GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505)
    assert_error_then_close(srv, b"GET / HTTP/3.1\r\nHost: t\r\n\r\n", 505)


def test_http12_is_treated_as_http11(srv):
    # parser.hpp: "HTTP/1.x" with x > 1 is treated as HTTP/1.1 (RFC 9110 2.5).
    with srv.connect() as c:
        c.send(b"GET /info HTTP/1.2\r\nHost: t\r\n\r\n")
        r = c.read_response()
        assert r.status == 200, r
        assert r.version == "HTTP/1.1", r
        assert b"version=1.1" in r.body, r
        assert not r.closes(), r
        r = c.request("GET", "/")  # still keep-alive, as for HTTP/1.1
        assert r.status == 200, r


@pytest.mark.parametrize("line", [b"GET / HTTP/1.1x", b"GET / http/1.1", b"GET / HTTP/11", b"GET / HTTP/1.", b"GET /",
                                  b"GET  / HTTP/1.1", b"GET / HTTP/1.1 "])
def test_malformed_request_line_is_400(srv, line):
    assert_error_then_close(srv, line + b"\r\nHost: t\r\n\r\n", 400)


@pytest.mark.parametrize("target", [b"/a b", b"/a#frag", b"/caf\xc3\xa9", b"/a\x01", b"nope"])
def test_invalid_request_target_is_400(srv, target):
    assert_error_then_close(srv, b"GET " + target + b" HTTP/1.1\r\nHost: t\r\n\r\n", 400)


def test_leading_empty_line_is_ignored(srv):
    with srv.connect() as c:
        c.send(b"\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n")
        r = c.read_response()
        assert (r.status, r.body) == (200, b"Hello, Sweet!"), r


def test_absolute_form_target(srv):
    with srv.connect() as c:
        c.send(b"GET http://x/info HTTP/1.1\r\nHost: x\r\n\r\n")
        r = c.read_response()
        assert r.status == 200, r
        assert b"path=/info " in r.body and b"host=x " in r.body, r
        # RFC 9112 3.2.2: the authority of an absolute-form target overrides Host.
        c.send(b"GET http://example.com:8080/info?q=1 HTTP/1.1\r\nHost: other\r\n\r\n")
        r = c.read_response()
        assert r.status == 200, r
        assert b"path=/info " in r.body and b"host=example.com:8080 " in r.body, r


def test_asterisk_form_options(srv):
    # RFC 9110 9.3.7: "OPTIONS *" asks about the server in general; a 2xx answer is expected.
    with srv.connect() as c:
        c.send(b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n")
        r = c.read_response()
        assert 200 <= r.status < 300, r
        r = c.request("GET", "/")  # the connection is still usable
        assert r.status == 200, r


def test_asterisk_form_with_get_is_400(srv):
    assert_error_then_close(srv, b"GET * HTTP/1.1\r\nHost: t\r\n\r\n", 400)


# ---- limits: 431, 414, 413 --------------------------------------------------------------------


def test_oversized_header_section_is_431(srv):
    raw = b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
    assert_error_then_close(srv, raw, 431)


def test_oversized_headers_answered_before_the_head_ends(srv):
    # 17 KiB of one header value and no end of head: the server must not wait for more.
    with srv.connect() as c:
        c.send(b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 17000)
        r = c.read_response()
        assert r.status == 431, r
        assert c.wait_closed(5.0)
    assert_alive(srv)


def test_too_many_headers_is_431(srv):
    raw = b"GET / HTTP/1.1\r\nHost: t\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n"
    assert_error_then_close(srv, raw, 431)


def test_100_headers_are_fine(srv):
    raw = b"GET /header HTTP/1.1\r\nHost: t\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(98)) + b"X-Test: ok\r\n\r\n"
    with srv.connect() as c:
        c.send(raw)
        r = c.read_response()
        assert (r.status, r.body) == (200, b"ok"), r


def test_uri_too_long_is_414(srv):
    assert_error_then_close(srv, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", 414)


def test_uri_too_long_answered_before_the_line_ends(srv):
    with srv.connect() as c:
        c.send(b"GET /" + b"a" * 9000)
        r = c.read_response()
        assert r.status == 414, r
        assert c.wait_closed(5.0)
    assert_alive(srv)


def test_uri_limit_flag(server):
    srv = server("--max-uri", "100")
    with srv.connect() as c:
        r = c.request("GET", "/files/" + "a" * 90)
        assert r.status == 200, r
    assert_error_then_close(srv, b"GET /files/" + b"a" * 100 + b" HTTP/1.1\r\nHost: t\r\n\r\n", 414)


def test_body_over_limit_is_413_before_the_body_is_sent(srv):
    # Only the head is sent: the 413 must come without the server waiting for the body.
    with srv.connect() as c:
        c.send(post_head(b"/echo", b"Content-Length: 2000000"))
        r = c.read_response(timeout=10)
        assert r.status == 413, r
        assert r.closes(), r
        assert c.wait_closed(5.0)
    assert_alive(srv)


def test_body_over_limit_with_expect_gets_413_and_no_100(srv):
    with srv.connect() as c:
        c.send(post_head(b"/echo", b"Content-Length: 2000000", b"Expect: 100-continue"))
        r = c.read_response()
        assert r.status == 413, r
        assert r.interim == [], r.interim
        assert c.wait_closed(5.0)
    assert_alive(srv)


def test_body_at_limit_is_accepted(server):
    srv = server("--max-body", "1000")
    with srv.connect() as c:
        r = c.request("POST", "/echo", body=b"x" * 1000)
        assert (r.status, len(r.body)) == (200, 1000), r
        c.send(build_request("POST", "/echo", body=b"x" * 1001))
        r = c.read_response()
        assert r.status == 413, r
        assert c.wait_closed(5.0)
    assert_alive(srv)


def test_chunked_body_over_limit_is_413(server):
    srv = server("--max-body", "1000")
    raw = post_head(b"/echo", b"Transfer-Encoding: chunked") + chunked(b"a" * 600, b"b" * 600)
    assert_error_then_close(srv, raw, 413)


def test_chunked_body_over_limit_answered_at_the_size_line(server):
    # chunked_decoder.hpp: "413, reported from the chunk-size line, before any of that chunk's data".
    srv = server("--max-body", "1000")
    with srv.connect() as c:
        c.send(post_head(b"/echo", b"Transfer-Encoding: chunked") + b"100000\r\n")
        r = c.read_response()
        assert r.status == 413, r
        assert c.wait_closed(5.0)
    assert_alive(srv)


# ---- Expect: 100-continue ---------------------------------------------------------------------


def test_expect_100_continue_content_length(srv):
    with srv.connect() as c:
        c.send(post_head(b"/echo", b"Content-Length: 11", b"Expect: 100-continue"))
        interim = c.read_interim()
        assert interim.status == 100 and interim.body == b"", interim
        c.send(b"hello world")
        r = c.read_response()
        assert (r.status, r.body) == (200, b"hello world"), r
        r = c.request("GET", "/")  # keep-alive goes on
        assert r.status == 200, r


def test_expect_100_continue_chunked(srv):
    with srv.connect() as c:
        c.send(post_head(b"/echo", b"Transfer-Encoding: chunked", b"Expect: 100-continue"))
        interim = c.read_interim()
        assert interim.status == 100, interim
        c.send(chunked(b"hello", b" world"))
        r = c.read_response()
        assert (r.status, r.body) == (200, b"hello world"), r


def test_expect_with_body_already_sent_gets_no_stray_100_later(srv):
    # The body came with the head: a 100 is optional, but it must come before the final
    # response and the next response must parse correctly.
    with srv.connect() as c:
        c.send(post_head(b"/echo", b"Content-Length: 5", b"Expect: 100-continue") + b"hello")
        r = c.read_response()
        assert (r.status, r.body) == (200, b"hello"), r
        r = c.request("GET", "/")
        assert (r.status, r.body) == (200, b"Hello, Sweet!"), r


def test_unknown_expectation_is_417(srv):
    # RFC 9110 10.1.1: a server that receives an Expect value it does not support can answer 417.
    with srv.connect() as c:
        c.send(post_head(b"/echo", b"Content-Length: 5", b"Expect: something-else") + b"hello")
        r = c.read_response()
        assert r.status == 417, r
    assert_alive(srv)


# ---- bodies -----------------------------------------------------------------------------------


def test_chunked_body_with_extensions_and_trailers(srv):
    body = (b"5;name=value\r\nhello\r\n"
            b"1;quoted=\"a \\\"b\\\" c\";flag\r\n \r\n"
            b"5 ; ext = v\r\nworld\r\n"
            b"0;last=1\r\nX-Trailer: yes\r\nX-Other: 2\r\n\r\n")
    with srv.connect() as c:
        c.send(post_head(b"/echo", b"Transfer-Encoding: chunked") + body)
        r = c.read_response()
        assert (r.status, r.body) == (200, b"hello world"), r
        r = c.request("GET", "/users/5")  # the trailers were consumed exactly
        assert (r.status, r.body) == (200, b"user 5"), r


def test_chunked_uppercase_hex_and_leading_zeros(srv):
    data = bytes(range(256)) * 10
    body = b"00A\r\n" + data[:10] + b"\r\n" + b"9F6\r\n" + data[10:] + b"\r\n0000\r\n\r\n"
    with srv.connect() as c:
        c.send(post_head(b"/echo", b"Transfer-Encoding: Chunked") + body)
        r = c.read_response()
        assert (r.status, r.body) == (200, data), r


def test_bad_trailer_is_400(srv):
    body = b"5\r\nhello\r\n0\r\nBad Trailer: x\r\n\r\n"
    assert_error_then_close(srv, post_head(b"/echo", b"Transfer-Encoding: chunked") + body, 400)


def test_body_spanning_many_tcp_writes(server):
    srv = server("--max-body", "4000000")
    data = bytes((i * 7 + i // 251) % 256 for i in range(3_000_000))
    with srv.connect(timeout=30) as c:
        c.send(build_request("POST", "/echo", {"Content-Length": str(len(data))}))
        c.send_in_pieces(data, 50_000, 0.002)
        r = c.read_response(timeout=30)
        assert r.status == 200, r
        assert len(r.body) == len(data) and r.body == data
        r = c.request("GET", "/")
        assert r.status == 200, r


def test_chunked_body_spanning_many_tcp_writes(server):
    srv = server("--max-body", "4000000")
    data = bytes((i * 13) % 256 for i in range(2_000_000))
    raw = post_head(b"/echo", b"Transfer-Encoding: chunked") + chunked(*[data[i:i + 7777] for i in range(0, len(data), 7777)])
    with srv.connect(timeout=30) as c:
        c.send_in_pieces(raw, 40_000, 0.002)
        r = c.read_response(timeout=30)
        assert r.status == 200, r
        assert r.body == data


# ---- pipelining and fragmentation -----------------------------------------------------------


def test_pipelining_50_requests_in_one_send(srv):
    requests, expected = [], []
    for i in range(50):
        if i % 3 == 0:
            body = b"body-%d-" % i + b"z" * i
            requests.append(build_request("POST", "/echo", body=body))
            expected.append(body)
        elif i % 3 == 1:
            requests.append(build_request("GET", f"/users/{i}"))
            expected.append(b"user %d" % i)
        else:
            requests.append(post_head(b"/echo", b"Transfer-Encoding: chunked") + chunked(b"ch", b"unk-%d" % i))
            expected.append(b"chunk-%d" % i)
    with srv.connect() as c:
        c.send(b"".join(requests))
        for i in range(50):
            r = c.read_response()
            assert (r.status, r.body) == (200, expected[i]), (i, r)
        assert c.is_open_now(), "the connection should stay open"


def test_pipelined_head_and_get(srv):
    with srv.connect() as c:
        c.send(build_request("HEAD", "/big/1000") + build_request("GET", "/users/3") + build_request("HEAD", "/"))
        r = c.read_response("HEAD")
        assert r.status == 200 and r.header("Content-Length") == "1000" and r.body == b"", r
        r = c.read_response()
        assert (r.status, r.body) == (200, b"user 3"), r
        r = c.read_response("HEAD")
        assert r.status == 200 and r.header("Content-Length") == "13", r
        assert c.is_open_now(0.1) and c.buf == b"", f"bytes after a HEAD response: {bytes(c.buf)!r}"


def test_pipelined_requests_split_at_every_position(srv):
    first = build_request("POST", "/echo", body=b"abc\r\n\r\ndef")
    second = post_head(b"/echo", b"Transfer-Encoding: chunked") + chunked(b"xy", b"z")
    third = build_request("GET", "/users/77")
    buffer = first + second + third
    for cut in range(1, len(buffer)):
        with srv.connect() as c:
            c.send(buffer[:cut])
            time.sleep(0.002)
            c.send(buffer[cut:])
            got = [c.read_response() for _ in range(3)]
            assert [(r.status, r.body) for r in got] == [
                (200, b"abc\r\n\r\ndef"), (200, b"xyz"), (200, b"user 77")], (cut, got)


def test_request_sent_byte_by_byte(srv):
    raw = build_request("POST", "/echo", {"Content-Type": "text/x-test"}, body=b"one byte at a time")
    with srv.connect() as c:
        for i in range(len(raw)):
            c.send(raw[i:i + 1])
            time.sleep(0.001)
        r = c.read_response()
        assert (r.status, r.body) == (200, b"one byte at a time"), r
        assert r.header("Content-Type") == "text/x-test", r


def test_chunked_request_sent_byte_by_byte(srv):
    raw = post_head(b"/echo", b"Transfer-Encoding: chunked") + chunked(b"hello", b" ", b"bytes", trailers=b"T: 1\r\n")
    with srv.connect() as c:
        for i in range(len(raw)):
            c.send(raw[i:i + 1])
            time.sleep(0.001)
        r = c.read_response()
        assert (r.status, r.body) == (200, b"hello bytes"), r


def test_error_in_pipelined_request_answers_the_earlier_ones_first(srv):
    with srv.connect() as c:
        c.send(build_request("GET", "/users/1") + b"GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n"
               + build_request("GET", "/users/2"))
        r = c.read_response()
        assert (r.status, r.body) == (200, b"user 1"), r
        r = c.read_response()
        assert r.status == 400 and r.closes(), r
        assert c.read_until_close() == b"", "nothing may be answered after a framing error"
    assert_alive(srv)


# ---- persistence ------------------------------------------------------------------------------


def test_http10_keep_alive(srv):
    with srv.connect() as c:
        for i in range(3):
            c.send(b"GET /users/%d HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" % i)
            r = c.read_response()
            assert (r.status, r.body) == (200, b"user %d" % i), r
            assert (r.header("Connection") or "").lower() == "keep-alive", r
        assert c.is_open_now()
        c.send(b"GET / HTTP/1.0\r\n\r\n")  # no keep-alive: the last one
        r = c.read_response()
        assert r.status == 200, r
        assert c.read_until_close() == b""


def test_http10_default_close(srv):
    with srv.connect() as c:
        c.send(b"GET / HTTP/1.0\r\nHost: t\r\n\r\n")
        r = c.read_response()
        assert (r.status, r.body) == (200, b"Hello, Sweet!"), r
        assert (r.header("Connection") or "close").lower() != "keep-alive", r
        assert c.read_until_close() == b""


def test_http10_post_with_content_length(srv):
    with srv.connect() as c:
        c.send(b"POST /echo HTTP/1.0\r\nContent-Length: 4\r\n\r\nabcd")
        r = c.read_response()
        assert (r.status, r.body) == (200, b"abcd"), r
        assert c.read_until_close() == b""


def test_connection_close_is_honoured(srv):
    with srv.connect() as c:
        c.send(build_request("GET", "/users/9", {"Connection": "close"}) + build_request("GET", "/users/10"))
        r = c.read_response()
        assert (r.status, r.body) == (200, b"user 9"), r
        assert r.closes(), r
        assert c.read_until_close() == b"", "a request after Connection: close must not be answered"


def test_connection_close_among_other_options(srv):
    with srv.connect() as c:
        r = c.request("GET", "/", {"Connection": "foo, Close"})
        assert r.status == 200 and r.closes(), r
        assert c.read_until_close() == b""


def test_http11_keep_alive_by_default(srv):
    with srv.connect() as c:
        for i in range(100):
            r = c.request("GET", f"/users/{i}")
            assert (r.status, r.body) == (200, b"user %d" % i), r
            assert not r.closes(), r


def test_head_response_has_no_body_on_keep_alive(srv):
    with srv.connect() as c:
        r = c.request("HEAD", "/big/100000")
        assert r.status == 200 and r.header("Content-Length") == "100000", r
        r = c.request("GET", "/users/4")
        assert (r.status, r.body) == (200, b"user 4"), r
        r = c.request("HEAD", "/stream/3")
        assert r.status == 200, r
        r = c.request("GET", "/users/5")
        assert (r.status, r.body) == (200, b"user 5"), r
        assert c.is_open_now(0.1) and c.buf == b"", f"unexpected bytes: {bytes(c.buf)!r}"


def test_streamed_response_is_well_formed_chunked(srv):
    with srv.connect() as c:
        r = c.request("GET", "/stream/5")
        assert r.status == 200 and r.chunked, r
        assert r.header("Content-Length") is None, r
        assert r.body == b"".join(b"chunk %d\n" % i for i in range(5)), r
        r = c.request("GET", "/stream/0")
        assert r.status == 200 and r.chunked and r.body == b"", r
        r = c.request("GET", "/users/1")  # the connection is reusable after streams
        assert (r.status, r.body) == (200, b"user 1"), r


def test_streamed_response_to_http10_is_close_delimited(srv):
    with srv.connect() as c:
        c.send(b"GET /stream/3 HTTP/1.0\r\n\r\n")
        r = c.read_response()
        assert r.status == 200 and not r.chunked, r
        assert r.header("Transfer-Encoding") is None, r
        assert r.body == b"chunk 0\nchunk 1\nchunk 2\n", r


def test_pipelined_requests_behind_a_stream(srv):
    with srv.connect() as c:
        c.send(build_request("GET", "/stream/3") + build_request("GET", "/delay/50") + build_request("GET", "/users/8"))
        r = c.read_response()
        assert r.body == b"chunk 0\nchunk 1\nchunk 2\n", r
        r = c.read_response()
        assert r.body == b"waited 50 ms", r
        r = c.read_response()
        assert r.body == b"user 8", r


# ---- percent-decoding in the path -------------------------------------------------------------


@pytest.mark.parametrize("target", ["/items/%zz", "/items/%4", "/items/a%", "/items/%g1", "/items/%%41"])
def test_invalid_percent_escape_in_path_is_400(srv, target):
    with srv.connect() as c:
        c.send(build_request("GET", target))
        try:
            r = c.read_response()
        except ClosedBeforeResponse:
            pytest.fail(f"no response to {target}")
        assert r.status == 400, r
    assert_alive(srv)


def test_percent_escapes_in_path_are_decoded(srv):
    with srv.connect() as c:
        r = c.request("GET", "/items/a%20b%41")
        assert (r.status, r.body) == (200, b"item [a bA]"), r
        r = c.request("GET", "/items/caf%C3%A9")
        assert (r.status, r.body) == (200, "item [café]".encode()), r
        r = c.request("GET", "/%75sers/%34%32")
        assert (r.status, r.body) == (200, b"user 42"), r
        r = c.request("GET", "/info?x=%zz")  # the query is not decoded for the path check
        assert r.status == 200, r


def test_query_does_not_affect_routing(srv):
    with srv.connect() as c:
        r = c.request("GET", "/users/3?x=/users/4")
        assert (r.status, r.body) == (200, b"user 3"), r


def test_server_answers_many_connections_after_errors(srv):
    # A burst of malformed requests must not leak state into good ones.
    for i in range(20):
        with RawConn(srv.port) as c:
            c.send(b"GET / HTTP/1.1\r\nHost: t\r\nBad Name: %d\r\n\r\n" % i)
            assert c.read_response().status == 400
    assert_alive(srv)


# ---- more edge cases of the request syntax ----------------------------------------------------


def test_too_many_leading_empty_lines_is_400(srv):
    # parser.hpp: up to 4 empty lines before the request-line are skipped; more -> 400.
    with srv.connect() as c:
        r = c.request("GET", "/")  # warm-up on the same connection: the skipped lines count per request
        assert r.status == 200
    with srv.connect() as c:
        c.send(b"\r\n" * 4 + b"GET /users/4 HTTP/1.1\r\nHost: t\r\n\r\n")
        assert c.read_response().body == b"user 4"
    assert_error_then_close(srv, b"\r\n" * 5 + b"GET / HTTP/1.1\r\nHost: t\r\n\r\n", 400)


def test_stray_crlf_after_a_body_is_skipped(srv):
    # RFC 9112 2.2: a server SHOULD ignore at least one empty line before a request-line.
    with srv.connect() as c:
        c.send(build_request("POST", "/echo", body=b"ab") + b"\r\n" + build_request("GET", "/users/2"))
        assert c.read_response().body == b"ab"
        assert c.read_response().body == b"user 2"


def test_get_with_a_body_consumes_it(srv):
    with srv.connect() as c:
        c.send(b"GET /users/1 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc" + build_request("GET", "/users/2"))
        assert c.read_response().body == b"user 1"
        assert c.read_response().body == b"user 2"


def test_header_line_without_colon_is_400(srv):
    assert_error_then_close(srv, b"GET / HTTP/1.1\r\nHost: t\r\nFoo\r\n\r\n", 400)


def test_empty_transfer_encoding_is_400(srv):
    assert_error_then_close(srv, post_head(b"/echo", b"Transfer-Encoding: ") + b"0\r\n\r\n", 400)


def test_chunk_extension_too_long_is_400(srv):
    body = b"5;" + b"a" * 2000 + b"\r\nhello\r\n0\r\n\r\n"
    assert_error_then_close(srv, post_head(b"/echo", b"Transfer-Encoding: chunked") + body, 400)


def test_trailer_section_too_large_is_431(srv):
    body = b"5\r\nhello\r\n0\r\n" + b"X-T: y\r\n" * 4000 + b"\r\n"
    assert_error_then_close(srv, post_head(b"/echo", b"Transfer-Encoding: chunked") + body, 431)


def test_host_forms(srv):
    with srv.connect() as c:
        for host, shown in [(b"[::1]:8080", b"[::1]:8080"), (b"", b""), (b"Example.COM", b"Example.COM"),
                            (b"h:", b"h:")]:
            c.send(b"GET /info HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")
            r = c.read_response()
            assert r.status == 200 and b"host=" + shown + b" " in r.body, (host, r)


def test_userinfo_in_absolute_target_is_400(srv):
    assert_error_then_close(srv, b"GET http://user@h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400)


def test_head_of_a_405_has_no_body(srv):
    with srv.connect() as c:
        r = c.request("HEAD", "/echo")
        assert r.status == 405 and r.body == b"", r
        assert {m.strip() for m in r.header("Allow").split(",")} >= {"POST", "PUT"}, r
        r = c.request("GET", "/users/3")
        assert r.body == b"user 3", r


@pytest.mark.parametrize("method", ["FOO", "get", "PATCHX"])
def test_unknown_method_is_501(srv, method):
    # RFC 9110 9.1: "An origin server that receives a request method that is unrecognized or not
    # implemented SHOULD respond with the 501 (Not Implemented) status code." Method names are
    # case-sensitive, so "get" is not GET. (405 is for a known method the resource does not allow.)
    with srv.connect() as c:
        r = c.request(method, "/")
        assert r.status == 501, r
    assert_alive(srv)


def test_known_method_not_allowed_is_still_405(srv):
    with srv.connect() as c:
        r = c.request("PATCH", "/users/1")
        assert r.status == 405 and r.header("Allow"), r
