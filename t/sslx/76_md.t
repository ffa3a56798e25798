# mod_md with a real ACME server: Let's Encrypt's test CA (Debian's
# pebble) and its DNS (pebble-challtestsrv, which answers 127.0.0.1 for
# every name) are started on loopback by the test, with a TLS certificate
# for pebble's API from the test's own CA.  One stand-alone server, with
# the ports pebble validates on mapped by MDPortMap, runs mod_md and
# mod_sslx with TLS vhosts that have no SSLXCertificateFile:
#
#   alpn.sslx.test    obtained through tls-alpn-01, which mod_sslx answers
#                     in its handshake (ALPN acme-tls/1)
#   http.sslx.test    obtained through http-01, with MDRequireHttps
#   static.sslx.test  mod_md's static mode (MDCertificateFile), its OCSP
#                     responses stapled by mod_md (MDStapling on) from an
#                     `openssl ocsp` responder
#
# Until mod_md has a certificate, its stand-in is served with 503; after
# the graceful restart mod_md asks for, clients get pebble's certificates,
# which verify against pebble's root.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time sleep);
use SSLXTest;
use SSLXOCSP;
use SSLXKeys;

my $moddir = Apache::Test::vars('sslx_modulesdir');
plan tests => 33,
    need { 'pebble is needed' => have_cmd('pebble'),
           'pebble-challtestsrv is needed' => have_cmd('pebble-challtestsrv'),
           'openssl is needed' => have_cmd('openssl'),
           'certtool is needed' => have_cmd('certtool'),
           'mod_md is needed' => -f "$moddir/mod_md.so" };

my $dir = standalone_dir('md');
my %port = map { $_ => free_port() } qw(acme mgmt dns dnsmgmt http https ocsp);
my $pki = ocsp_pki("$dir/pki", port => $port{ocsp});
my $ca = "$pki/ca.crt";

# ---- pebble and its DNS -------------------------------------------------------
write_file("$dir/pebble.json", <<EOJ);
{ "pebble": {
    "listenAddress": "127.0.0.1:$port{acme}",
    "managementListenAddress": "127.0.0.1:$port{mgmt}",
    "certificate": "$pki/www.chain.crt",
    "privateKey": "$pki/www.key",
    "httpPort": $port{http},
    "tlsPort": $port{https},
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false } }
EOJ
SSLXOCSP::spawn("$dir/logs/challtestsrv.log", 'pebble-challtestsrv',
                '-defaultIPv4', '127.0.0.1', '-defaultIPv6', '',
                '-dns01', "127.0.0.1:$port{dns}", '-http01', '',
                '-https01', '', '-tlsalpn01', '',
                '-management', "127.0.0.1:$port{dnsmgmt}");
{
    # No random "badNonce" refusals, no waiting between validations.
    local $ENV{PEBBLE_WFE_NONCEREJECT} = 0;
    local $ENV{PEBBLE_VA_NOSLEEP} = 1;
    SSLXOCSP::spawn("$dir/logs/pebble.log", 'pebble', '-config',
                    "$dir/pebble.json", '-dnsserver',
                    "127.0.0.1:$port{dns}");
}
my $responder = start_responder($pki, port => $port{ocsp});
my $pebble_up = wait_until(30, sub {
    (read_file("$dir/logs/pebble.log") // '') =~ /Listening on/
        && (read_file("$dir/logs/challtestsrv.log") // '')
           =~ /Starting challenge servers/;
});
ok($pebble_up && $responder->{up}, 'pebble, its DNS and the OCSP '
   . 'responder run') or diag(read_file("$dir/logs/pebble.log") // '');

# ---- the server ------------------------------------------------------------------
my $conf = "$dir/conf/httpd.conf";
write_file("$dir/index.html", "managed\n");
write_file($conf, <<EOC);
@{[ standalone_conf_head($dir, 'info md:debug sslx:debug') ]}
LoadModule md_module "$moddir/mod_md.so"
DocumentRoot "$dir"
MDCertificateAuthority https://localhost:$port{acme}/dir
MDCACertificateFile "$ca"
MDCertificateAgreement accepted
MDContactEmail admin\@sslx.test
MDPortMap http:$port{http} https:$port{https}
MDStoreDir "$dir/md"
MDStapling on
Protocols http/1.1 acme-tls/1
<MDomain alpn.sslx.test>
    MDCAChallenges tls-alpn-01
</MDomain>
<MDomain http.sslx.test>
    MDCAChallenges http-01
    MDRequireHttps temporary
</MDomain>
<MDomain static.sslx.test>
    MDCertificateFile "$pki/www.chain.crt"
    MDCertificateKeyFile "$pki/www.key"
</MDomain>
<MDomain both.sslx.test>
    MDCertificateFile "$pki/www.chain.crt"
    MDCertificateKeyFile "$pki/www.key"
</MDomain>
Listen 127.0.0.1:$port{http}
Listen 127.0.0.1:$port{https}
<VirtualHost 127.0.0.1:$port{http}>
    ServerName http.sslx.test
    ServerAlias alpn.sslx.test
</VirtualHost>
<VirtualHost 127.0.0.1:$port{https}>
    ServerName alpn.sslx.test
    SSLXEngine on
</VirtualHost>
<VirtualHost 127.0.0.1:$port{https}>
    ServerName http.sslx.test
    SSLXEngine on
    SSLUseStapling on
</VirtualHost>
<VirtualHost 127.0.0.1:$port{https}>
    ServerName static.sslx.test
    SSLXEngine on
</VirtualHost>
<VirtualHost 127.0.0.1:$port{https}>
    # mod_ssl's names, as a configuration written for it has them
    ServerName both.sslx.test
    SSLEngine on
    SSLCertificateFile    "@{[ pki('localhost.ecdsa.crt') ]}"
    SSLCertificateKeyFile "@{[ pki('localhost.ecdsa.key') ]}"
</VirtualHost>
EOC

my $h = start_httpd($conf, port => $port{https}, timeout => 30);
ok($h->{up}, 'TLS vhosts without SSLXCertificateFile start: mod_md '
   . 'provides their certificates') or diag($h->{stderr}, error_log_of($dir));

sub served {
    my($name, @args) = @_;
    my $r = s_client(port => $port{https}, sni => $name, args => \@args,
                     request => "GET /index.html HTTP/1.0\r\n"
                                . "Host: $name\r\n\r\n");
    my($issuer) = $r->{out} =~ /^issuer=(.*)$/m;
    $r->{issuer} = $issuer // '';
    $r->{status} = $r->{response} ? $r->{response}{code} // 0 : 0;
    return $r;
}

# ---- before mod_md has certificates -------------------------------------------
my $early = served('alpn.sslx.test');
like($early->{issuer}, qr/Apache Managed Domain Fallback/,
     'before its certificate exists, the stand-in is served');
is($early->{status}, 503, '... and requests get 503')
    or diag($early->{out});
like(error_log_of($dir), qr/SSLX01505: vhost alpn\.sslx\.test has only stand-in/,
     '... with a log line saying why');
my $static = served('static.sslx.test');
is($static->{status}, 200, 'static mode: the certificate of '
   . 'MDCertificateFile serves at once') or diag($static->{out});
like($static->{issuer}, qr/OCSP Test CA/, '... it is that certificate');
like(served('both.sslx.test')->{issuer}, qr/OCSP Test CA/,
     'a vhost with SSLXCertificateFile and a managed domain presents '
     . 'mod_md\'s certificate of the same key type, as mod_ssl does');
unlike(error_log_of($dir), qr/AH10105/, 'mod_md knows the vhosts speak TLS '
       . '(no "does not match any VirtualHost with SSLEngine on")');

# ---- the ACME run ---------------------------------------------------------------
my $done = wait_until(120, sub {
    my $log = error_log_of($dir);
    $log =~ /AH10059: The Managed Domain alpn\.sslx\.test has been setup/
        && $log =~ /AH10059: The Managed Domain http\.sslx\.test has been setup/;
});
ok($done, 'mod_md obtained both certificates from pebble')
    or diag(join "\n", grep { /md:(?:error|warn)|AH10056|sslx:/ }
                       split /\n/, error_log_of($dir));
like(error_log_of($dir),
     qr/SSLX03107: answering a acme-tls\/1 challenge for 'alpn\.sslx\.test'/,
     'tls-alpn-01: mod_sslx presented the challenge certificate');
like(error_log_of($dir), qr/challenge 'valid' for alpn\.sslx\.test .*"challenges":\[\{"type":"tls-alpn-01","url":"[^"]*","token":"[^"]*","status":"valid"/,
     '... which pebble found valid (the authorization mod_md read back)');

ok(graceful_restart($h, $dir, $port{https}), 'the graceful restart mod_md '
   . 'asks for');

# ---- after the restart ----------------------------------------------------------
my $roots = run_cmd(['curl', '-sS', '--max-time', 10, '--cacert', $ca,
                     "https://127.0.0.1:$port{mgmt}/roots/0"], timeout => 20);
my $root = "$dir/pebble-root.pem";
write_file($root, $roots->{out});
like($roots->{out}, qr/BEGIN CERTIFICATE/, "pebble's root is at hand");
for my $name (qw(alpn.sslx.test http.sslx.test)) {
    my $r = served($name);
    like($r->{issuer}, qr/Pebble Intermediate CA/,
         "$name: the certificate pebble issued is served");
    my $c = curl_https(port => $port{https}, host => $name,
                       path => '/index.html', cacert => $root);
    is($c->{code}, 200, "$name: it verifies against pebble's root, and "
       . 'requests are served') or diag($c->{err});
    is($c->{body} // '', "managed\n", "$name: ... with the page");
}

my $redirect = run_cmd(['curl', '-sS', '-o', '/dev/null', '-D', '-',
                        '--max-time', 10, '--resolve',
                        "http.sslx.test:$port{http}:127.0.0.1",
                        "http://http.sslx.test:$port{http}/index.html"],
                       timeout => 20);
like($redirect->{out}, qr{^HTTP/1\.1 302.*^Location: https://http\.sslx\.test/}ms,
     'MDRequireHttps: plain http is sent to https');

# ---- MDStapling ----------------------------------------------------------------
my $st = wait_until(60, sub {
    my $r = ocsp_status(port => $port{https}, sni => 'static.sslx.test',
                        cafile => $ca);
    return ($r->{cert_status} // '') eq 'good' ? $r : undef;
});
ok($st, 'MDStapling: mod_md\'s OCSP response is stapled')
    or diag(error_log_of($dir));
is($st ? $st->{response_status} : '', 'successful',
   '... a successful response');
ok(responder_requests($responder) >= 1, '... fetched from the certificate\'s '
   . 'responder');
like(error_log_of($dir), qr/SSLX03104: vhost static\.sslx\.test: certificate 0 is stapled/,
     '... and mod_sslx says it staples what mod_md provides');

# ---- what the log says ----------------------------------------------------------
like(error_log_of($dir), qr/SSLX03108: vhost http\.sslx\.test: SSLXUseStapling does not apply to a vhost whose certificates a module provides; with mod_md, use MDStapling on/,
     'SSLUseStapling in a vhost mod_md provides for: a warning says to use '
     . 'MDStapling');
my @bad = grep { !/SSLX0310[28]/ } sslx_log_problems(error_log_of($dir));
is(scalar(@bad), 0, 'no other mod_sslx warning than those two')
    or diag(join "\n", @bad);
my @said = error_log_of($dir) =~ /\[sslx:warn\].*SSLX03102: vhost alpn\.sslx\.test /g;
is(scalar(@said), 1, 'the stand-in is said once (not in the trial run '
   . 'of the configuration)');

stop_httpd($h);
stop_responder($responder);

# ---- conf-examples/managed-domain.conf, pointed at pebble ------------------------
my($ex, $exdir) = example_conf('managed-domain.conf', 'md-example', [
    ['LoadModule md_module modules/mod_md.so',
     "LoadModule md_module \"$moddir/mod_md.so\""],
    ['https://acme-v02.api.letsencrypt.org/directory',
     "https://localhost:$port{acme}/dir\nMDCACertificateFile \"$ca\"\n"
     . "MDPortMap https:$port{https}"],
    ['Listen 443', "Listen 127.0.0.1:$port{https}"],
    ['*:443', "127.0.0.1:$port{https}"],
    ['/var/www/html', $dir],
]);
my $e = start_httpd($ex, port => $port{https}, timeout => 30);
my $got = $e->{up} && wait_until(120, sub {
    error_log_of($exdir) =~ /AH10059: The Managed Domain www\.example\.org /;
});
ok($got, 'conf-examples/managed-domain.conf: mod_md gets the certificate '
   . 'through tls-alpn-01') or diag($e->{stderr}, error_log_of($exdir));
ok($got && graceful_restart($e, $exdir, $port{https}),
   '... and after a graceful restart');
my $w = curl_https(port => $port{https}, host => 'www.example.org',
                   path => '/index.html', cacert => $root);
is($w->{code}, 200, '... serves it, verified against pebble\'s root')
    or diag($w->{err});
stop_httpd($e);

# ---- a TLS vhost that no managed domain covers ---------------------------------
my $lone = "$dir/conf/lone.conf";
write_file($lone, <<EOC);
@{[ standalone_conf_head($dir, 'info') ]}
LoadModule md_module "$moddir/mod_md.so"
MDStoreDir "$dir/md"
Listen 127.0.0.1:$port{https}
<VirtualHost 127.0.0.1:$port{https}>
    ServerName nobody.sslx.test
    SSLXEngine on
</VirtualHost>
EOC
my $l = start_httpd($lone, port => $port{https}, timeout => 30);
ok($l->{exited} && $l->{rc} != 0, 'a TLS vhost without certificates that no '
   . 'managed domain covers: httpd does not start') or stop_httpd($l);
like(error_log_of($dir), qr/SSLX03101: SSLXEngine is on for nobody\.sslx\.test \(\Q$lone\E:\d+\) but no SSLXCertificateFile is configured, and no module \(such as mod_md\) provides one/,
     '... and says why, naming the vhost and where it is');
