# OCSP checks of client certificates (SSLXOCSPEnable and the SSLOCSP*
# directives), against mod_ssl.
#
# The test makes its own CA (t/lib/SSLXOCSP.pm) whose client certificates
# name a responder on a port chosen now, and runs:
#   R1     `openssl ocsp` for the CA: alice good, mallory revoked, carol
#          unknown to it, the sub CA revoked
#   R2     `openssl ocsp` for the sub CA, signed by the sub CA: deep good
#   forged `openssl ocsp` answering for the CA, signed by a responder of
#          another CA
#   canned an HTTP server answering every request with one response made
#          beforehand (about alice, good, without a nonce); also a proxy
#   hole   a port that accepts connections and never answers
# One stand-alone server has a name-based vhost per case; where Debian's
# mod_ssl is installed, a second port serves the same cases with it
# (under mod_ssl's directive names) and both must answer every client
# the same way: the page, or the same alert.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time sleep);
use SSLXTest;
use SSLXOCSP;

plan tests => 63,
    need { 'openssl is needed'  => have_cmd('openssl'),
           'certtool is needed' => have_cmd('certtool'),
           'a C compiler is needed for tlsprobe' => have_cmd('cc'),
           'pkg-config is needed' => have_cmd('pkg-config') };

my $modssl = have_modssl();
my $dir = standalone_dir('ocsp-client');
my %port = map { $_ => free_port() }
    qw(r1 r2 forged canned hole dead sslx modssl);
my %url = map { $_ => "http://127.0.0.1:$port{$_}/" } keys %port;
my $pki = ocsp_pki("$dir/pki", port => $port{r1}, sub_port => $port{r2},
                   dead_port => $port{dead});

my $r1 = start_responder($pki, port => $port{r1});
my $r2 = start_responder($pki, port => $port{r2}, ca => 'sub-ca',
                         signer => 'sub-ca', index => 'sub-index.txt');
my $forged = start_responder($pki, port => $port{forged},
                             signer => 'other-rsp');
my $canned_file = canned_response($pki, 'alice', 'ca', "$dir/alice.resp");
my $made = time;
my $canned = canned_server($port{canned}, $canned_file);
my $hole = blackhole($port{hole});
ok($r1->{up} && $r2->{up} && $forged->{up} && $canned->{up},
   'the responders run');

# name => directives (mod_ssl's names; SSLX for mod_sslx's port)
my %vhost = (
    on       => 'SSLOCSPEnable on',
    leaf     => 'SSLOCSPEnable leaf',
    default  => "SSLOCSPEnable on\nSSLOCSPDefaultResponder $url{r1}",
    nook     => 'SSLOCSPEnable on no_ocsp_for_cert_ok',
    down     => "SSLOCSPEnable on\nSSLOCSPDefaultResponder $url{dead}\n"
              . 'SSLOCSPOverrideResponder on',
    hang     => "SSLOCSPEnable on\nSSLOCSPDefaultResponder $url{hole}\n"
              . "SSLOCSPOverrideResponder on\nSSLOCSPResponderTimeout 3",
    forged   => "SSLOCSPEnable on\nSSLOCSPDefaultResponder $url{forged}\n"
              . 'SSLOCSPOverrideResponder on',
    noverify => "SSLOCSPEnable on\nSSLOCSPDefaultResponder $url{forged}\n"
              . "SSLOCSPOverrideResponder on\nSSLOCSPNoVerify on",
    respcert => "SSLOCSPEnable on\nSSLOCSPDefaultResponder $url{forged}\n"
              . "SSLOCSPOverrideResponder on\n"
              . "SSLOCSPResponderCertificateFile $pki/other-rsp.crt",
    nonce    => "SSLOCSPEnable on\nSSLOCSPDefaultResponder $url{canned}\n"
              . 'SSLOCSPOverrideResponder on',
    nononce  => "SSLOCSPEnable on\nSSLOCSPDefaultResponder $url{canned}\n"
              . "SSLOCSPOverrideResponder on\nSSLOCSPUseRequestNonce off",
    maxage   => "SSLOCSPEnable on\nSSLOCSPDefaultResponder $url{canned}\n"
              . "SSLOCSPOverrideResponder on\nSSLOCSPUseRequestNonce off\n"
              . 'SSLOCSPResponseMaxAge 1',
    noca     => "SSLVerifyClient optional_no_ca\n"
              . "SSLCACertificateFile $pki/other-ca.crt\n"
              . "SSLCADNRequestFile $pki/ca.crt\nSSLOCSPEnable on",
    proxy    => "SSLOCSPEnable on\nSSLOCSPDefaultResponder $url{dead}\n"
              . "SSLOCSPOverrideResponder on\nSSLOCSPUseRequestNonce off\n"
              . "SSLOCSPProxyURL $url{canned}",
);

# The vhosts for one module: $x is '' for mod_ssl, 'X' for mod_sslx.
sub vhosts {
    my($p, $x) = @_;
    my $out = '';
    for my $name (sort keys %vhost) {
        (my $body = $vhost{$name}) =~ s/\bSSL(?=[A-Z])/SSL$x/g;
        $out .= <<EOV;
<VirtualHost 127.0.0.1:$p>
    ServerName $name.test
    SSL${x}Engine on
    SSL${x}CertificateFile    "$pki/www.chain.crt"
    SSL${x}CertificateKeyFile "$pki/www.key"
    SSL${x}VerifyClient require
    SSL${x}VerifyDepth 2
    SSL${x}CACertificateFile "$pki/ca.crt"
$body
</VirtualHost>
EOV
    }
    return $out;
}

my $modssl_part = !$modssl ? '' : <<EOM . vhosts($port{modssl}, '');
LoadModule ssl_module "@{[ Apache::Test::vars('sslx_modulesdir') ]}/mod_ssl.so"
SSLSessionCache none
Listen 127.0.0.1:$port{modssl}
EOM
my $conf = "$dir/conf/httpd.conf";
write_file($conf, <<EOC);
@{[ standalone_conf_head($dir, 'info sslx:debug') ]}
SSLXSessionCache "shmcb:$dir/logs/scache(256000)"
Listen 127.0.0.1:$port{sslx}
@{[ vhosts($port{sslx}, 'X') ]}
$modssl_part
EOC

my $elog = "$dir/logs/error_log";
my $h = start_httpd($conf, port => $port{sslx}, timeout => 30);
ok($h->{up}, 'the stand-alone server starts')
    or diag($h->{stderr}, read_file($elog) // '');

sub show { my $r = shift; diag("$r->{cmd}\n$r->{out}$r->{err}") }

sub log_has {
    my $re = shift;
    return wait_until(5, sub { (read_file($elog) // '') =~ $re });
}

# One client: CLIENT's certificate (with its chain for deep) to VHOST.
sub probe {
    my($p, $vh, $client, @more) = @_;
    my $crt = -f "$pki/$client.chain.crt" ? "$pki/$client.chain.crt"
                                          : "$pki/$client.crt";
    my $t0 = time;
    my $r = tlsprobe(port => $p, sni => "$vh.test", path => '/ok.txt',
                     args => ['--cert', $crt, '--key', "$pki/$client.key"],
                     @more);
    $r->{secs} = time - $t0;
    return $r;
}

# The canned response is older than a second when maxage is tried.
sleep 1.5 while time - $made < 2;

my $tls12 = 'NORMAL:-VERS-ALL:+VERS-TLS1.2';
# [vhost, client, 200 or alert, log pattern (mod_sslx), what, priority]
my @cases = (
    ['on', 'alice', 200, qr/SSLX02751: OCSP check of client certificate CN=alice with responder \Q$url{r1}\E: good/,
     'a good certificate gets in'],
    ['on', 'mallory', 44, qr/SSLX02751: .*CN=mallory .*: revoked \(keyCompromise\).*; refused/,
     'a revoked certificate: certificate_revoked'],
    ['on', 'mallory', 44, undef, '... in TLS 1.2 too', $tls12],
    ['on', 'carol', 40, qr/SSLX02751: .*CN=carol .*: unknown to the responder/,
     'a certificate the responder does not know: handshake_failure'],
    ['on', 'noaia', 40, qr/SSLX02752: no OCSP responder specified in certificate CN=noaia and no default configured/,
     'no responder named and no default: handshake_failure'],
    ['default', 'noaia', 200, undef,
     'SSLOCSPDefaultResponder for a certificate that names none'],
    ['nook', 'noaia', 200, qr/SSLX02752: .*CN=noaia.*\(no_ocsp_for_cert_ok\)/,
     'no_ocsp_for_cert_ok: a certificate that names no responder gets in'],
    ['leaf', 'deep', 200, undef,
     'only the client\'s certificate is asked about (its CA is revoked)'],
    ['on', 'deep', 44, qr/SSLX02751: .*CN=OCSP Test Sub CA .*: revoked/,
     'every certificate is asked about: the revoked intermediate CA is found'],
    ['down', 'alice', 40, qr/SSLX02751: .*CN=alice with responder \Q$url{dead}\E: no answer: .*refused \(the check fails closed\)/,
     'the responder is down: handshake_failure (fails closed)'],
    ['down', 'alice', 40, undef, '... in TLS 1.2 too', $tls12],
    ['forged', 'alice', 40, qr/SSLX02751: .*\Q$url{forged}\E: the response cannot be believed/,
     'an answer signed by a responder nobody trusts: handshake_failure'],
    ['noverify', 'alice', 200, undef,
     'SSLOCSPNoVerify on: the same answer is taken'],
    ['respcert', 'alice', 200, undef,
     'SSLOCSPResponderCertificateFile: the responder is trusted'],
    ['nonce', 'alice', 40, qr/SSLX02751: .*\Q$url{canned}\E: the response does not carry the nonce/,
     'an answer without the request\'s nonce: handshake_failure'],
    ['nononce', 'alice', 200, undef,
     'SSLOCSPUseRequestNonce off: the same answer is taken'],
    ['maxage', 'alice', 40, qr/SSLX02751: .*older than 1 seconds/,
     'SSLOCSPResponseMaxAge 1: an answer two seconds old is refused'],
    ['noca', 'alice', 40, qr/SSLX02755: cannot perform OCSP validation/,
     'optional_no_ca: a certificate of an unknown CA cannot be asked about'],
    ['proxy', 'alice', 200, undef,
     'SSLOCSPProxyURL: the question goes through the proxy'],
);

my $off = -s $elog;
for my $c (@cases) {
    my($vh, $who, $want, $logre, $what, $prio) = @$c;
    for my $mod ('mod_sslx', $modssl ? ('mod_ssl') : ()) {
        my $p = $port{$mod eq 'mod_sslx' ? 'sslx' : 'modssl'};
        my $r = probe($p, $vh, $who, $prio ? (priority => $prio) : ());
        if ($want == 200) {
            is($r->{status}, '200', "$mod: $vh: $what") or show($r);
            next;
        }
        ok($r->{status} ne '200' && ($r->{alert} // -1) == $want,
           "$mod: $vh: $what") or show($r);
    }
    SKIP: { skip 'mod_ssl is not installed', 1 unless $modssl }
    if ($logre) {
        ok(log_has($logre), "... mod_sslx logs it") or diag($logre);
    }
}

# The proxy got the request for the responder the vhost names.
like(read_file($canned->{requests}) // '',
     qr{^POST \Qhttp://127.0.0.1:$port{dead}/\E}m,
     'the proxy was asked for the default responder\'s URL');

# A responder that never answers costs SSLOCSPResponderTimeout, no more.
for my $mod ('mod_sslx', $modssl ? ('mod_ssl') : ()) {
    my $p = $port{$mod eq 'mod_sslx' ? 'sslx' : 'modssl'};
    my $r = probe($p, 'hang', 'alice');
    ok($r->{status} ne '200' && ($r->{alert} // -1) == 40
       && $r->{secs} >= 2.5 && $r->{secs} < 10,
       "$mod: a responder that never answers: handshake_failure after the "
       . "3 s timeout") or diag("$r->{secs} s"), show($r);
}
SKIP: { skip 'mod_ssl is not installed', 1 unless $modssl }

# Answers are kept briefly in the session cache: alice again and again
# does not ask R1 again.
my $asked = responder_requests($r1);
my @again = map { probe($port{sslx}, 'on', 'alice')->{status} } 1 .. 3;
is("@again", '200 200 200', 'alice three more times');
is(responder_requests($r1), $asked,
   '... and the responder was not asked again (the session cache)');

# The refusals are expected here; nothing else may warn.
my @problems = grep { !/SSLX02751/ }
               sslx_log_problems(substr(read_file($elog) // '', $off));
is(scalar(@problems), 0, 'no other mod_sslx warnings') or diag(join "\n", @problems);

# ---- configuration -------------------------------------------------------------
sub configtest {
    my($name, $body) = @_;
    my $cdir = standalone_dir("ocsp-cfg-$name");
    my $p = free_port();
    write_file("$cdir/conf/httpd.conf", <<EOC);
@{[ standalone_conf_head($cdir, 'info') ]}
Listen 127.0.0.1:$p
<VirtualHost 127.0.0.1:$p>
    ServerName localhost
    SSLXEngine on
    SSLXCertificateFile    "$pki/www.chain.crt"
    SSLXCertificateKeyFile "$pki/www.key"
    SSLXVerifyClient require
    SSLXCACertificateFile "$pki/ca.crt"
$body
</VirtualHost>
EOC
    my $t = httpd_configtest("$cdir/conf/httpd.conf");
    return ($t->{rc}, $t->{out} . $t->{err});
}
my @mistakes = (
    ['enable', 'SSLXOCSPEnable sometimes', qr/SSLXOCSPEnable: expected 'on', 'leaf' or 'off'/],
    ['flag', 'SSLXOCSPEnable on always', qr/SSLXOCSPEnable: unknown flag 'always'/],
    ['url', 'SSLXOCSPDefaultResponder ftp://x/', qr/SSLXOCSPDefaultResponder: .*only http/],
    ['override', "SSLXOCSPEnable on\nSSLXOCSPOverrideResponder on",
     qr/SSLXOCSPOverrideResponder is on, but there is no SSLXOCSPDefaultResponder/],
    ['timeout', 'SSLXOCSPResponderTimeout 0', qr/SSLXOCSPResponderTimeout: expected seconds from 1/],
    ['certs', "SSLXOCSPEnable on\nSSLXOCSPResponderCertificateFile $pki/no-such.crt",
     qr/SSLXOCSPResponderCertificateFile: cannot read file/],
);
for my $m (@mistakes) {
    my($name, $body, $re) = @$m;
    my($rc, $out) = configtest($name, $body);
    (my $what = $body) =~ s/\n/, /g;
    ok($rc != 0 && $out =~ $re, "httpd -t refuses: $what") or diag($out);
}

stop_httpd($h);
stop_responder($_) for $r1, $r2, $forged;
undef $hole;
