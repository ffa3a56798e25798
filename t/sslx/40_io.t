# Moving data: large responses and request bodies, keep-alive, pipelining
# and parallel connections, over TLS 1.3 and 1.2.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use Digest::SHA ();
use SSLXTest;

plan tests => 19, need_cgi;

my $port = port('sslx_main');
my $big = Apache::Test::vars('documentroot') . '/gen/big.bin';
my $big_sha = Digest::SHA->new(256)->addfile($big, 'b')->hexdigest;
my $big_len = -s $big;
my $url = "https://localhost:$port";
my @curl = ('curl', '-sS', '--max-time', 60, '--http1.1',
            '--cacert', pki('ca.crt'), '--resolve', "localhost:$port:127.0.0.1");

# ---- large responses --------------------------------------------------------------
for my $v (['1.3', '--tlsv1.3'], ['1.2', '--tls-max', '1.2']) {
    my($name, @opt) = @$v;
    my $r = run_cmd([@curl, @opt, "$url/gen/big.bin"], timeout => 90);
    is($r->{rc}, 0, "TLS $name: $big_len-byte download completes") or diag($r->{err});
    is(length $r->{out}, $big_len, "TLS $name: every byte arrives");
    is(Digest::SHA::sha256_hex($r->{out}), $big_sha, "TLS $name: content intact");
}

# ---- large request bodies ------------------------------------------------------
my $r = run_cmd([@curl, '--data-binary', "\@$big", '-H',
                 'Content-Type: application/octet-stream', "$url/cgi/echo.cgi"],
                timeout => 90);
like($r->{out}, qr/^length=$big_len$/m, 'POST: the CGI reads the whole body')
    or diag($r->{err});
like($r->{out}, qr/^sha256=$big_sha$/m, 'POST: body intact');
$r = run_cmd([@curl, '--tls-max', '1.2', '--data-binary', "\@$big",
              '-H', 'Transfer-Encoding: chunked', "$url/cgi/echo.cgi"],
             timeout => 90);
like($r->{out}, qr/^length=$big_len$/m, 'chunked POST over TLS 1.2: whole body')
    or diag($r->{err});
like($r->{out}, qr/^sha256=$big_sha$/m, 'chunked POST: body intact');

# ---- many requests on one connection ----------------------------------------------
$r = run_cmd([@curl, '-w', '%{http_code}/%{num_connects} ',
              ('-o', '/dev/null') x 40, ("$url/ok.txt") x 40]);
my @got = split ' ', $r->{out};
is(scalar(grep { $_ eq '200/0' } @got), 39,
   '40 keep-alive requests: all 200, one connection') or diag($r->{out});

# ---- pipelining ---------------------------------------------------------------------
my $sock = tls_connect(port => $port, sni => 'localhost');
ok($sock, 'TLS connection for pipelining') or diag($@);
if ($sock) {
    print {$sock} join '', map({ "GET /ok.txt?$_ HTTP/1.1\r\nHost: localhost\r\n\r\n" } 1 .. 4),
        "GET /ok.txt?5 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    my($data, $eof) = read_all($sock, 15);
    my @status = $data =~ m{^HTTP/1\.1 (\d{3})}mg;
    is("@status", '200 200 200 200 200', 'five pipelined requests, five answers');
    ok($eof, 'connection closed after "Connection: close"');
    close $sock;
}
else {
    fail('pipelining') for 1 .. 2;
}

# ---- parallel connections ---------------------------------------------------------
$r = run_cmd([@curl, '--parallel', '--parallel-max', 8,
              '-w', '%{http_code}:%{size_download} ',
              ('-o', '/dev/null') x 8, ("$url/gen/big.bin") x 8], timeout => 120);
@got = split ' ', $r->{out};
is(scalar(grep { $_ eq "200:$big_len" } @got), 8,
   'eight parallel downloads all complete') or diag($r->{out}, $r->{err});

# Small requests on many short connections.
$r = run_cmd([@curl, '--parallel', '--parallel-max', 10, '-H', 'Connection: close',
              '-w', '%{http_code} ', ('-o', '/dev/null') x 60,
              ("$url/ok.txt") x 60], timeout => 120);
@got = split ' ', $r->{out};
is(scalar(grep { $_ eq '200' } @got), 60, '60 short connections, 60 answers')
    or diag($r->{out}, $r->{err});

# ---- a request body that arrives slowly, in small TLS records -------------------
$sock = tls_connect(port => $port, sni => 'localhost');
if ($sock) {
    my $body = 'x' x 5000;
    print {$sock} "POST /cgi/echo.cgi HTTP/1.1\r\nHost: localhost\r\n"
        . "Content-Length: 5000\r\nConnection: close\r\n\r\n";
    for my $i (0 .. 49) {
        print {$sock} substr($body, $i * 100, 100);   # one record each
    }
    my($data) = read_all($sock, 15);
    like($data, qr/^length=5000$/m, 'body sent as 50 small records: all read');
    like($data, qr/^sha256=\Q@{[Digest::SHA::sha256_hex($body)]}\E$/m,
         '... intact');
    close $sock;
}
else {
    fail('slow body') for 1 .. 2;
}

# ---- a small response leaves in one TLS record ----------------------------------
# httpd passes the headers and the body in separate brigades; on a
# keep-alive connection they share a record.  A response on a connection
# marked "close" is not held back (mod_proxy marks its tunnels so, and a
# tunnel waits for what was written): its headers leave in a record of
# their own.  s_client -msg shows each TLS 1.3 record it receives: an
# inner content line, then a Handshake or Alert line unless it is data.
$r = s_client(port => $port, sni => 'localhost', args => ['-tls1_3', '-msg'],
              request => "GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
                       . "GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
                       . "GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n"
                       . "Connection: close\r\n\r\n");
my @in = grep { /^<<< / && !/RecordHeader/ } split /\n/, $r->{out};
my $records = grep { $in[$_] =~ /InnerContent/
                     && ($in[$_ + 1] // '') !~ /Handshake|Alert/ } 0 .. $#in;
my $answers = () = $r->{out} =~ m{^HTTP/1\.1 200 }mg;
is("$answers responses in $records records", '3 responses in 4 records',
   'keep-alive: each small keep-alive response (headers and body) is one '
   . 'TLS record')
    or diag(join "\n", @in);
