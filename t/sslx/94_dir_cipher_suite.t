# SSLXCipherSuite inside <Location>: a connection whose suite the location
# does not allow is renegotiated to one it does under TLS 1.2 (the request
# body survives the renegotiation); TLS 1.3 and HTTP/2 cannot change a
# running connection's suite and get 403 with a log line saying why.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use File::Spec::Functions qw(catfile);
use SSLXTest;

my $mpm = Apache::Test::vars('sslx_mpm') || '';
my $h2 = $mpm ne 'prefork'
         && Apache::Test::have_module('mod_http2.c')
         && run_cmd([qw(curl --version)])->{out} =~ /\bHTTP2\b/;

plan tests => 13, need_cgi, need { 'curl is needed' => have_cmd('curl') };

my $port = port('cc_loc');
my @tls12 = ('--tls-max', '1.2');
my $strong = 'ECDHE-ECDSA-CHACHA20-POLY1305';

sub get {
    my($path, %o) = @_;
    return curl_https(port => $port, path => $path, http => $o{http},
                      args => $o{args} || []);
}

my $off = log_offset();
my $r = get('/cc/plain/env.cgi', args => [@tls12, '--ciphers',
                                           'ECDHE-ECDSA-AES128-GCM-SHA256']);
is($r->{code}, 200, 'outside the location: 200');
is($r->{env}{SSL_CIPHER}, 'ECDHE-ECDSA-AES128-GCM-SHA256',
   '... with the suite the client chose');

$r = get('/cc/strong/env.cgi', args => [@tls12, '--ciphers',
         "ECDHE-ECDSA-AES128-GCM-SHA256:$strong"]);
is($r->{code}, 200, 'TLS 1.2 with another suite first: 200 after renegotiating')
    or diag($r->{err});
is($r->{env}{SSL_CIPHER}, $strong, "... now on $strong");
is($r->{env}{SSL_PROTOCOL}, 'TLSv1.2', '... still TLS 1.2');

my $body = catfile(SSLXTest::tmp_dir(), "dircipher-$$");
write_file($body, join('', map { chr(($_ * 7 + 3) % 256) } 1 .. 61440));
$r = get('/cc/strong/echo.cgi', args => [@tls12, '--ciphers',
         "ECDHE-ECDSA-AES128-GCM-SHA256:$strong",
         '--data-binary', "\@$body"]);
is($r->{code}, 200, 'a 60 KiB POST across the renegotiation: 200');
is($r->{body}, "length=61440\nsha256=" . sha256_hex(read_file($body)) . "\n",
   '... the body arrives byte for byte');
unlink $body;

$r = get('/cc/strong/env.cgi', args => [@tls12, '--ciphers',
         'ECDHE-ECDSA-AES128-GCM-SHA256']);
isnt($r->{code}, 200, 'TLS 1.2 client without an allowed suite: no answer')
    or diag($r->{body});
ok(wait_for_log($off, qr/SSLX01907: .*the renegotiation failed/, 5),
   '... logged: the renegotiation failed');

$r = get('/cc/strong/env.cgi', args => ['--tlsv1.3']);
is($r->{code}, 403, 'TLS 1.3: 403');
ok(wait_for_log($off, qr/SSLX01907: .*TLS 1\.3 cannot renegotiate/, 5),
   '... logged: TLS 1.3 cannot renegotiate');

SKIP: {
    skip 'no HTTP/2 with this MPM or curl', 2 unless $h2;
    $r = get('/cc/strong/env.cgi', http => '2');
    is($r->{code}, 403, 'HTTP/2: 403 in the end');
    ok(wait_for_log($off, qr/SSLX01907: .*HTTP\/2 cannot renegotiate/, 5),
       '... logged: HTTP/2 cannot renegotiate');
}
