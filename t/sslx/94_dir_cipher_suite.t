# SSLXCipherSuite inside <Location>, as mod_ssl applies SSLCipherSuite
# there, checked beside mod_ssl (vhost cc_loc_modssl) where mod_ssl has
# the directive:
#  - a TLS 1.2 connection whose suite the location does not allow is
#    renegotiated to one it does (the request body survives);
#  - a list of TLS 1.2 suites says nothing about TLS 1.3 connections:
#    mod_ssl answers 200 to a TLS 1.3 POST to a location with
#    "SSLCipherSuite AES256-SHA", and so does mod_sslx;
#  - "SSLXCipherSuite TLSv1.3 list" (which mod_ssl refuses in a
#    directory) gives 403 to a TLS 1.3 connection on another suite, with
#    a log line saying why: TLS 1.3 cannot change a running connection's
#    suite.
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

plan tests => 39, need_cgi, need { 'curl is needed' => have_cmd('curl') };

my %port = (sslx => port('cc_loc'));
$port{modssl} = port('cc_loc_modssl') if have_modssl();
my @tls12 = ('--tls-max', '1.2');
my $strong = 'ECDHE-ECDSA-CHACHA20-POLY1305';
my $weak = 'ECDHE-ECDSA-AES128-GCM-SHA256';

sub get {
    my($which, $path, %o) = @_;
    return curl_https(port => $port{$which}, path => $path, http => $o{http},
                      args => $o{args} || []);
}

# The same request to both modules; mod_ssl's part is skipped without it.
sub both {
    my($name, $path, $check, %o) = @_;
    for my $which (qw(sslx modssl)) {
        SKIP: {
            skip 'mod_ssl is not installed', 1 unless $port{$which};
            my $r = get($which, $path, %o);
            $check->($r, "$which: $name");
        }
    }
}

sub answers {
    my($code, $cipher) = @_;
    return sub {
        my($r, $name) = @_;
        my $ok = ($r->{code} // '') eq $code
                 && (!$cipher || ($r->{env}{SSL_CIPHER} // '') eq $cipher);
        ok($ok, "$name: $code" . ($cipher ? " on $cipher" : ''))
            or diag("got $r->{code}, cipher " . ($r->{env}{SSL_CIPHER} // '-')
                    . ", $r->{err}");
    };
}

my $off = log_offset();
my $r = get('sslx', '/cc/plain/env.cgi', args => [@tls12, '--ciphers', $weak]);
is($r->{code}, 200, 'outside the locations: 200');
is($r->{env}{SSL_CIPHER}, $weak, '... with the suite the client chose');

# ---- TLS 1.2: renegotiated to the location's suites --------------------
both('TLS 1.2 with another suite first, renegotiated', '/cc/strong/env.cgi',
     answers(200, $strong), args => [@tls12, '--ciphers', "$weak:$strong"]);
$r = get('sslx', '/cc/strong/env.cgi', args => [@tls12, '--ciphers',
                                                 "$weak:$strong"]);
is($r->{env}{SSL_PROTOCOL}, 'TLSv1.2', '... still TLS 1.2');

my $body = catfile(SSLXTest::tmp_dir(), "dircipher-$$");
write_file($body, join('', map { chr(($_ * 7 + 3) % 256) } 1 .. 61440));
my $sum = "length=61440\nsha256=" . sha256_hex(read_file($body)) . "\n";
my $posted = sub {
    my($r, $name) = @_;
    ok(($r->{code} // '') eq '200' && ($r->{body} // '') eq $sum,
       "$name: 200, the body arrives byte for byte")
        or diag("got $r->{code}: " . ($r->{body} // '') . $r->{err});
};
both('a 60 KiB POST across the renegotiation', '/cc/strong/echo.cgi',
     $posted, args => [@tls12, '--ciphers', "$weak:$strong",
                       '--data-binary', "\@$body"]);

both('TLS 1.2 client without an allowed suite', '/cc/strong/env.cgi',
     sub { my($r, $name) = @_;
           isnt($r->{code}, 200, "$name: no answer") or diag($r->{body}) },
     args => [@tls12, '--ciphers', $weak]);
ok(wait_for_log($off, qr/SSLX01907: .*the renegotiation failed/, 5),
   '... mod_sslx logs: the renegotiation failed');

# ---- TLS 1.3: a list of TLS 1.2 suites leaves it alone -------------------
both('TLS 1.3 to a location with a TLS 1.2 list', '/cc/strong/env.cgi',
     answers(200), args => ['--tlsv1.3']);
both('TLS 1.3 POST to a location with "SSLCipherSuite AES256-SHA"',
     '/cc/aes256sha/echo.cgi', $posted,
     args => ['--tlsv1.3', '--data-binary', "\@$body"]);

# ---- TLS 1.3: a TLSv1.3 list restricts it --------------------------------
$off = log_offset();
$r = get('sslx', '/cc/strong13/env.cgi',
         args => ['--tlsv1.3', '--tls13-ciphers', 'TLS_AES_256_GCM_SHA384']);
is($r->{code}, 403, 'TLSv1.3 list without the connection\'s suite: 403');
ok(wait_for_log($off, qr/SSLX01907: .*TLS 1\.3 cannot renegotiate/, 5),
   '... logged: TLS 1.3 cannot renegotiate');
$r = get('sslx', '/cc/strong13/env.cgi', args => ['--tlsv1.3',
         '--tls13-ciphers', 'TLS_CHACHA20_POLY1305_SHA256']);
is($r->{code}, 200, 'TLSv1.3 list with the connection\'s suite: 200');
is($r->{env}{SSL_CIPHER}, 'TLS_CHACHA20_POLY1305_SHA256', '... on that suite');
$r = get('sslx', '/cc/strong13/env.cgi', args => [@tls12, '--ciphers', $weak]);
is($r->{code}, 200, 'TLSv1.3 list: TLS 1.2 connections are left alone');
is($r->{env}{SSL_CIPHER}, $weak, '... not renegotiated');

# Both lists in one location.
$r = get('sslx', '/cc/strong-both/env.cgi', args => ['--tlsv1.3',
         '--tls13-ciphers', 'TLS_AES_128_GCM_SHA256']);
is($r->{code}, 200, 'both lists: TLS 1.3 on a listed suite: 200');
$r = get('sslx', '/cc/strong-both/env.cgi', args => ['--tlsv1.3',
         '--tls13-ciphers', 'TLS_AES_256_GCM_SHA384']);
is($r->{code}, 403, 'both lists: TLS 1.3 on another suite: 403');
$r = get('sslx', '/cc/strong-both/env.cgi', args => [@tls12, '--ciphers',
                                                      "$weak:$strong"]);
is($r->{code}, 200, 'both lists: TLS 1.2 renegotiated: 200');
is($r->{env}{SSL_CIPHER}, $strong, "... to $strong");

# ---- HTTP/2 ---------------------------------------------------------------
SKIP: {
    skip 'no HTTP/2 with this MPM or curl', 8 unless $h2;
    both('HTTP/2 over TLS 1.3, TLS 1.2 list', '/cc/strong/env.cgi',
         answers(200), http => '2', args => ['--tlsv1.3']);
    $off = log_offset();
    both('HTTP/2 over TLS 1.2 on another suite: retried over HTTP/1.1 and '
         . 'renegotiated', '/cc/strong/env.cgi', answers(200, $strong),
         http => '2', args => [@tls12, '--ciphers', "$weak:$strong"]);
    ok(wait_for_log($off, qr/SSLX01907: .*HTTP\/2 cannot renegotiate/, 5),
       '... mod_sslx logged: HTTP/2 cannot renegotiate');
    $r = get('sslx', '/cc/strong13/env.cgi', http => '2',
             args => ['--tlsv1.3', '--tls13-ciphers', 'TLS_AES_256_GCM_SHA384']);
    is($r->{code}, 403, 'HTTP/2, TLSv1.3 list without the suite: 403');
    $r = get('sslx', '/cc/strong13/env.cgi', http => '2', args => ['--tlsv1.3',
             '--tls13-ciphers', 'TLS_CHACHA20_POLY1305_SHA256']);
    is($r->{code}, 200, 'HTTP/2, TLSv1.3 list with the suite: 200');
    is($r->{env}{SERVER_PROTOCOL}, "HTTP/2.0",
       '... over HTTP/2');
}
unlink $body;

# ---- configuration errors --------------------------------------------------
my $dir = standalone_dir('dir_cipher_conf');
for my $case (
    ['TLSv1.3 TLS_NO_SUCH_SUITE',
     qr/SSLXCipherSuite TLSv1\.3: 'TLS_NO_SUCH_SUITE' is no TLS 1\.3 cipher suite/],
    ['TLSv1.3 ECDHE-ECDSA-AES128-GCM-SHA256',
     qr/'ECDHE-ECDSA-AES128-GCM-SHA256' is no TLS 1\.3 cipher suite/],
    ['TLSv1.2 AES256-SHA',
     qr/SSLXCipherSuite TLSv1\.2: expected SSL or TLSv1\.3 before the list/],
) {
    my($arg, $want) = @$case;
    write_file("$dir/conf/httpd.conf", standalone_conf_head($dir, 'warn')
               . "<Location /x>\n    SSLXCipherSuite $arg\n</Location>\n");
    my $t = httpd_configtest("$dir/conf/httpd.conf");
    isnt($t->{rc}, 0, "SSLXCipherSuite $arg in a location: httpd -t fails");
    like($t->{out} . $t->{err}, $want, '... naming the directive and the word');
}
write_file("$dir/conf/httpd.conf", standalone_conf_head($dir, 'warn')
           . "<Location /x>\n    SSLXCipherSuite SSL AES256-SHA\n"
           . "    SSLXCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384:"
           . "TLS_AES_128_CCM_SHA256\n</Location>\n");
is(httpd_configtest("$dir/conf/httpd.conf")->{rc}, 0,
   'SSLXCipherSuite SSL list and TLSv1.3 list in a location: httpd -t passes');
