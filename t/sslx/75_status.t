# mod_sslx's section of mod_status: full and resumed handshakes (and by
# version), failed handshakes by reason, the session cache's traffic and
# certificate reloads, counted by all children of a stand-alone server;
# "?auto" gives one "SSLX<Name>: n" line each, which this test parses
# before and after each thing it does.  The numbers survive a graceful
# restart.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use File::Copy qw(copy);
use IO::Socket::INET ();
use SSLXTest;
use SSLXKeys;
use Time::HiRes qw(sleep);

plan tests => 33,
    need { 'openssl is needed'    => have_cmd('openssl'),
           'gnutls-cli is needed' => have_cmd('gnutls-cli') };

my $tmp = SSLXTest::tmp_dir();
my($crt, $key) = ("$tmp/live.crt", "$tmp/live.key");
copy(pki('localhost.ecdsa.crt'), $crt) or die;
copy(pki('localhost.ecdsa.key'), $key) or die;

my($conf, $dir, $port) = key_server_conf('status',
    "SSLXSessionCache \"shmcb:$tmp/scache(512000)\"\n"
    . "<Location /server-status>\n    SetHandler server-status\n"
    . "</Location>",
    "    SSLXEngine on\n    SSLXCertificateFile \"$crt\"\n"
    . "    SSLXCertificateKeyFile \"$key\"\n"
    . "    SSLXCertificateReload 1\n");
my $h = start_httpd($conf, port => $port);
ok($h->{up}, 'the server starts') or diag($h->{stderr}, error_log_of($dir));

# The SSLX lines of ?auto, by name.
sub counters {
    my $r = curl_https(port => $port, host => 'localhost',
                       path => '/server-status?auto');
    my %c = ($r->{body} // '') =~ /^SSLX([\w.]+): (\d+)$/mg;
    $c{_code} = $r->{code};
    $c{_body} = $r->{body};
    return \%c;
}

# Runs $do, then returns the change of every counter (the status request
# itself is one full TLS 1.3 handshake on each side).
sub delta {
    my $do = shift;
    my $before = counters();
    $do->();
    my $after = counters();
    return { map { $_ => ($after->{$_} // 0) - ($before->{$_} // 0) }
             grep { !/^_/ } keys %$after };
}

my $c = counters();
is($c->{_code}, 200, '/server-status?auto answers');
my @names = qw(CountingSeconds HandshakeFailures HandshakesFull
               HandshakesResumed HandshakesTLSv1.3 HandshakesTLSv1.2
               HandshakeFailuresClosed HandshakeFailuresTimeout
               HandshakeFailuresAlert HandshakeFailuresVersion
               HandshakeFailuresCipher HandshakeFailuresALPN
               HandshakeFailuresClientCertificate HandshakeFailuresPlainHTTP
               HandshakeFailuresMalformed HandshakeFailuresOther
               SessionCacheStores SessionCacheHits SessionCacheMisses
               SessionCacheRemoves CertificateReloads
               CertificateReloadsRefused);
is_deeply([grep { !defined $c->{$_} } @names], [],
          '... with an "SSLX<Name>: n" line for every counter')
    or diag($c->{_body});
like($c->{_body}, qr/^TLSSessionCacheStatus\nCacheType: SHMCB$/m,
     '... followed by the session cache provider\'s report');
cmp_ok($c->{HandshakesFull}, '>=', 1, '... which counted its own handshake');

# ---- handshakes ---------------------------------------------------------------------
my $get = "GET /ok.txt HTTP/1.0\r\nHost: localhost\r\n\r\n";
my $d = delta(sub {
    for (1 .. 3) {
        curl_https(port => $port, host => 'localhost', path => '/ok.txt');
    }
});
is($d->{HandshakesFull}, 4, 'three requests (and the status page): four '
   . 'full handshakes');
is($d->{'HandshakesTLSv1.3'}, 4, '... all TLS 1.3');
is($d->{HandshakeFailures}, 0, '... no failure');

my $sess = "$tmp/sess.pem";
$d = delta(sub {
    s_client(port => $port, sni => 'localhost', request => $get,
             args => ['-quiet', '-tls1_2', '-no_ticket', '-sess_out', $sess]);
    s_client(port => $port, sni => 'localhost', request => $get,
             args => ['-quiet', '-tls1_2', '-no_ticket', '-sess_in', $sess]);
});
is($d->{HandshakesResumed}, 1, 'a TLS 1.2 session resumed by its ID: one '
   . 'resumed handshake');
is($d->{'HandshakesTLSv1.2'}, 2, '... two TLS 1.2 handshakes');
is($d->{SessionCacheStores}, 1, '... the session was stored in the cache');
is($d->{SessionCacheHits}, 1, '... and found');

# ---- failed handshakes, by reason ---------------------------------------------------------
my @cases = (
    ['PlainHTTP', 'plain HTTP on the TLS port', sub {
        my $s = tcp_connect($port) or return;
        print {$s} "GET / HTTP/1.0\r\n\r\n";
        read_all($s, 5);
    }],
    ['Version', 'a client with TLS 1.1 only', sub {
        gnutls_cli(port => $port, sni => 'localhost', insecure => 1,
                   priority => 'NORMAL:-VERS-ALL:+VERS-TLS1.1');
    }],
    ['Cipher', 'a client with RSA key exchange only', sub {
        gnutls_cli(port => $port, sni => 'localhost', insecure => 1,
                   priority => 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+RSA');
    }],
    ['ALPN', 'a client that wants h2 only', sub {
        gnutls_cli(port => $port, sni => 'localhost', insecure => 1,
                   args => ['--alpn=h2']);
    }],
    ['Alert', 'a client that does not trust the certificate', sub {
        gnutls_cli(port => $port, sni => 'localhost',
                   args => ['--x509cafile', pki('localhost.rsa.crt')]);
    }],
    ['Closed', 'a client that hangs up in the handshake', sub {
        my $s = tcp_connect($port) or return;
        # A whole record with the start of a ClientHello, then nothing.
        print {$s} "\x16\x03\x01\x00\x05\x01\x00\x00\x64\x03";
        close $s;
        sleep 0.5;
    }],
    ['Malformed', 'a record that is not TLS', sub {
        my $s = tcp_connect($port) or return;
        print {$s} "\x16\x03\x01\x00\x05\x00\x00\x00\x00\x00";
        read_all($s, 5);
    }],
);
for my $case (@cases) {
    my($name, $what, $do) = @$case;
    $d = delta($do);
    is($d->{"HandshakeFailures$name"}, 1, "$what: HandshakeFailures$name "
       . 'counts one') or diag(join ', ', map { "$_=$d->{$_}" }
                               grep { $d->{$_} } sort keys %$d);
    is($d->{HandshakeFailures}, 1, '... and the total one');
}

# ---- certificate reloads ------------------------------------------------------------------
my(undef, undef) = make_cert($tmp, 'renewed', '2001');
$d = delta(sub {
    copy("$tmp/renewed.crt", "$crt.new") or die;
    copy("$tmp/renewed.key", "$key.new") or die;
    rename "$crt.new", $crt or die;
    rename "$key.new", $key or die;
    sleep 1.5;
    curl_https(port => $port, host => 'localhost', path => '/ok.txt')
        for 1 .. 4;
});
cmp_ok($d->{CertificateReloads}, '>=', 1, 'a renewed certificate: '
       . 'CertificateReloads counts the children that took it');
is($d->{CertificateReloadsRefused}, 0, '... none refused');

# ---- the HTML page, and a graceful restart ----------------------------------------------
my $page = curl_https(port => $port, host => 'localhost',
                      path => '/server-status');
like($page->{body} // '', qr{<h2>TLS \(mod_sslx\)</h2>},
     'the HTML page has the section');
like($page->{body} // '', qr{<tr><td>PlainHTTP</td><td>1</td></tr>},
     '... with the failures by reason');
my $full = counters()->{HandshakesFull};
ok(graceful_restart($h, $dir, $port), 'graceful restart');
cmp_ok(counters()->{HandshakesFull}, '>', $full, '... the counters go on '
       . 'from where they were');
stop_httpd($h);
unlike(error_log_of($dir), qr/seg fault|nasty error/, 'clean exit');
