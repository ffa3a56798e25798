# Client certificates against an attacker: every way a client could get
# into a place that requires a certificate without a good one.
#
#   1. a second ClientHello after HelloRetryRequest that names another
#      vhost, with a ticket from the vhost that asks for no certificate;
#   2. a TLS 1.2 renegotiation (asked for by a <Location>) whose
#      ClientHello names another vhost with other CAs;
#   3. a session resumed after the CRL changed (graceful restart);
#   4. expired and forged CRLs;
#   5. SSLXVerifyDepth counted on the verified chain, not on what the
#      client sent, and a lower depth in a <Location>;
#   6. CRL presence for intermediates taken from the CA file;
#   7. clients that must still work: an OpenSSL client whose Certificate
#      message is larger than one record.
#
# tlsprobe renegotiates with --no-tickets: a GnuTLS client that offers a
# session ticket in a TLS 1.2 renegotiation waits for a NewSessionTicket
# that GnuTLS 3.7.9 never sends when tickets are off for the
# renegotiation (which they must be, so that no ticket stands in for the
# certificate asked for).
#
# One stand-alone server holds a name-based vhost per case; where Debian's
# mod_ssl is installed, a second port serves the same cases with it, and
# both must refuse the same clients.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use File::Copy qw(copy);
use SSLXTest;
use Time::HiRes qw(sleep);

plan tests => 63,
    need { 'openssl is needed'  => have_cmd('openssl'),
           'a C compiler is needed for tlsprobe' => have_cmd('cc'),
           'pkg-config is needed' => have_cmd('pkg-config') };

my $pki = pki();
my $docroot = Apache::Test::vars('documentroot');
my $modssl = have_modssl();
my $dir = standalone_dir('bypass');
my $port = free_port();
my $mport = $modssl ? free_port() : 0;
my $conf = "$dir/conf/httpd.conf";
my $elog = "$dir/logs/error_log";
my $crl = "$dir/current.crl";
copy("$pki/client-ca.crl", $crl) or die "copy: $!";
write_file("$dir/both.crl", read_file("$pki/client-ca.crl")
                            . read_file("$pki/client-sub-ca.crl"));
random_ticket_key("$dir/ticket.key");

# Only P-384 key shares: a client that sends an X25519 share first gets a
# HelloRetryRequest.
my $prio = 'NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-GROUP-ALL:+GROUP-SECP384R1';
my $hrr_prio = 'NORMAL:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP384R1';
my $tls12 = 'NORMAL:-VERS-ALL:+VERS-TLS1.2';

# name => vhost body (both modules) with VERIFY/CA/CRL... written in
# mod_ssl's directive names, which mod_sslx accepts too.
my %vhost = (
    # the first vhost is the default for unknown names
    'd.sslx.test'  => '',
    'a.sslx.test'  => "SSLVerifyClient require\n"
                    . "SSLCACertificateFile $pki/client-ca.crt\n"
                    . "SSLCARevocationFile $crl\nSSLCARevocationCheck chain",
    'b.sslx.test'  => '',
    'ra.sslx.test' => "SSLCACertificateFile $pki/client-ca.crt\n"
                    . "<Location /need/>\n  SSLVerifyClient require\n</Location>",
    'rb.sslx.test' => "SSLVerifyClient optional\n"
                    . "SSLCACertificateFile $pki/foreign-ca.crt",
    'ex.sslx.test' => "SSLVerifyClient require\n"
                    . "SSLCACertificateFile $pki/client-ca.crt\n"
                    . "SSLCARevocationFile $pki/client-ca-expired.crl\n"
                    . "SSLCARevocationCheck chain",
    'fg.sslx.test' => "SSLVerifyClient require\n"
                    . "SSLCACertificateFile $pki/client-ca.crt\n"
                    . "SSLCARevocationFile $pki/client-ca-forged.crl\n"
                    . "SSLCARevocationCheck chain",
    'd1.sslx.test' => "SSLVerifyClient require\nSSLVerifyDepth 1\n"
                    . "SSLCACertificateFile $pki/client-ca-chain.crt",
    'd2.sslx.test' => "SSLVerifyClient require\nSSLVerifyDepth 2\n"
                    . "SSLCACertificateFile $pki/client-ca-chain.crt\n"
                    . "<Location /shallow/>\n  SSLVerifyDepth 1\n</Location>",
    'cp.sslx.test' => "SSLVerifyClient require\nSSLVerifyDepth 2\n"
                    . "SSLCACertificateFile $pki/client-ca-chain.crt\n"
                    . "SSLCARevocationFile $pki/client-sub-ca.crl\n"
                    . "SSLCARevocationCheck chain",
    'cq.sslx.test' => "SSLVerifyClient require\nSSLVerifyDepth 2\n"
                    . "SSLCACertificateFile $pki/client-ca-chain.crt\n"
                    . "SSLCARevocationFile $dir/both.crl\n"
                    . "SSLCARevocationCheck chain",
);
my @order = ('d.sslx.test', sort grep { $_ ne 'd.sslx.test' } keys %vhost);

# The vhosts for one module: $x is '' for mod_ssl, 'X' for mod_sslx (the
# mod_ssl names belong to mod_ssl while it is loaded).
sub vhosts {
    my($p, $x, $extra) = @_;
    my $out = '';
    for my $name (@order) {
        my $key = $name =~ /^b\./ ? 'b' : 'a';
        (my $body = $vhost{$name}) =~ s/\bSSL(?=[A-Z])/SSL$x/g;
        $out .= <<EOV;
<VirtualHost 127.0.0.1:$p>
    ServerName $name
    SSL${x}Engine on
    SSL${x}CertificateFile    "$pki/$key.ecdsa.crt"
    SSL${x}CertificateKeyFile "$pki/$key.ecdsa.key"
$extra
$body
</VirtualHost>
EOV
    }
    return $out;
}

my $alias = <<EOA;
Alias /need/ "$docroot/cc/"
Alias /shallow/ "$docroot/cc/"
EOA
my $modssl_part = !$modssl ? '' : <<EOM . vhosts($mport, '', '');
LoadModule ssl_module "@{[ Apache::Test::vars('sslx_modulesdir') ]}/mod_ssl.so"
SSLSessionCache none
Listen 127.0.0.1:$mport
EOM

write_file($conf, <<EOC);
@{[ standalone_conf_head($dir, 'info sslx:debug') ]}
SSLXSessionTicketKeyFile "$dir/ticket.key"
$alias
Listen 127.0.0.1:$port
@{[ vhosts($port, 'X', "    SSLXPriorities \"$prio\"") ]}
$modssl_part
EOC

my $h = start_httpd($conf, port => $port, timeout => 30);
ok($h->{up}, 'the stand-alone server starts')
    or diag($h->{stderr}, read_file($elog) // '');

my %base = (port => $port, path => '/ok.txt');
my $log0 = -s $elog || 0;

sub log_has {
    my $re = shift;
    my $deadline = time + 5;
    while (time < $deadline) {
        my $log = read_file($elog) // '';
        return 1 if substr($log, $log0) =~ $re;
        sleep 0.1;
    }
    return 0;
}

sub show { my $r = shift; diag("$r->{cmd}\n$r->{out}$r->{err}") }

# ---- 1. HelloRetryRequest with another vhost's name ---------------------
my $sess_b = "$dir/b.sess";
my $r = tlsprobe(%base, sni => 'b.sslx.test', sess_out => $sess_b);
is($r->{status}, '200', 'b: no certificate needed') or show($r);
ok(-s $sess_b, 'b: a session to resume was saved') or show($r);

$r = tlsprobe(%base, sni => 'b.sslx.test', hrr_sni => 'b.sslx.test',
              priority => $hrr_prio, sess_in => $sess_b);
ok($r->{hrr} && $r->{resumed} && $r->{status} eq '200',
   'control: b resumes after a HelloRetryRequest with the same name')
    or show($r);

$r = tlsprobe(%base, sni => 'b.sslx.test', hrr_sni => 'a.sslx.test',
              host_header => 'a.sslx.test', priority => $hrr_prio,
              sess_in => $sess_b);
is_deeply($r->{hellos}, ['b.sslx.test', 'a.sslx.test'],
          'the client really sent a second ClientHello naming a');
isnt($r->{status}, "200", "a second ClientHello naming a: no response")
    or show($r);
is($r->{alert}, 47, '... but an illegal_parameter alert') or show($r);
ok(log_has(qr/SSLX01309.*names server 'a\.sslx\.test' on a connection made for 'b\.sslx\.test'/),
   '... and a log line naming both servers');

$r = tlsprobe(%base, sni => 'a.sslx.test', sess_in => $sess_b,
              path => '/need/ok.txt');
ok(!$r->{resumed}, "b's session does not resume on a") or show($r);
isnt($r->{status}, '200', 'a without a certificate: no response');
is($r->{alert}, 116, '... certificate_required') or show($r);

# ---- 2. TLS 1.2 renegotiation with another vhost's name ------------------
my @reneg = (args => ['--no-tickets']);
$r = tlsprobe(%base, sni => 'ra.sslx.test', priority => $tls12,
              cert => 'alice', path => '/need/ok.txt', @reneg);
is($r->{status}, '200',
   'control: ra renegotiates for /need/ and takes alice') or show($r);
is($r->{rehandshake}, 'ok', '... the renegotiation succeeded');

$r = tlsprobe(%base, sni => 'ra.sslx.test', priority => $tls12,
              cert => 'stranger', path => '/need/ok.txt', @reneg);
isnt($r->{status}, '200', 'control: ra refuses a certificate of another CA')
    or show($r);

$r = tlsprobe(%base, sni => 'ra.sslx.test', priority => $tls12,
              reneg_sni => 'rb.sslx.test', cert => 'stranger',
              path => '/need/ok.txt', @reneg);
is_deeply($r->{hellos}, ['ra.sslx.test', 'rb.sslx.test'],
          'the renegotiation ClientHello named rb');
isnt($r->{status}, '200',
     "a renegotiation naming rb does not bring rb's CAs to ra") or show($r);
is($r->{alert}, 47, '... the handshake ends with illegal_parameter')
    or show($r);

# ---- 3. a revoked certificate resuming after the CRL changed -------------
my %sess;
for my $v (['1.3', undef], ['1.2', $tls12]) {
    my($name, $p) = @$v;
    $sess{$name} = "$dir/alice-$name.sess";
    $r = tlsprobe(%base, sni => 'a.sslx.test', cert => 'alice',
                  sess_out => $sess{$name}, $p ? (priority => $p) : ());
    is($r->{status}, '200', "TLS $name: alice gets in") or show($r);
    $r = tlsprobe(%base, sni => 'a.sslx.test', sess_in => $sess{$name},
                  $p ? (priority => $p) : ());
    ok($r->{resumed} && $r->{status} eq '200',
       "TLS $name: control: alice's session resumes before the CRL change")
        or show($r);
}

copy("$pki/client-ca-alice.crl", $crl) or die "copy: $!";
my $gen = () = (read_file($elog) // '') =~ /resuming normal operations/g;
kill 'USR1', $h->{pid};
my $deadline = time + 20;
while (time < $deadline) {
    my $now = () = (read_file($elog) // '') =~ /resuming normal operations/g;
    last if $now > $gen;
    sleep 0.2;
}
sleep 0.5;
$log0 = -s $elog;

$r = tlsprobe(%base, sni => 'a.sslx.test', cert => 'alice');
isnt($r->{status}, '200', 'after the new CRL, a full handshake refuses alice');
is($r->{alert}, 44, '... with certificate_revoked') or show($r);

for my $v (['1.3', undef], ['1.2', $tls12]) {
    my($name, $p) = @$v;
    $r = tlsprobe(%base, sni => 'a.sslx.test', sess_in => $sess{$name},
                  $p ? (priority => $p) : ());
    isnt($r->{status}, '200',
         "TLS $name: alice's old session gets no response either")
        or show($r);
    is($r->{alert}, 44, "TLS $name: ... but certificate_revoked")
        or show($r);
}
ok(log_has(qr/SSLX01702.*certificate revoked.*CN=alice/),
   'the refusal is logged with the reason and the subject');

# ---- 4-6: bad CRLs, depth and chains, against both modules -------------
# [vhost, client, path, expected alert or 200, log text, what]
my @cases = (
    ['ex', 'alice', '/ok.txt', 45, 'CRL has expired',
     'an expired CRL fails closed'],
    ['fg', 'mallory', '/ok.txt', 51, 'CRL signature failure',
     'a CRL signed by another key is not believed'],
    ['fg', 'alice', '/ok.txt', 51, 'CRL signature failure',
     '... for any client'],
    ['d1', 'deep-leaf', '/ok.txt', 42, 'certificate chain too long',
     'depth 1: a leaf below an intermediate from the CA file is refused'],
    ['d1', 'alice', '/ok.txt', 200, undef,
     'depth 1: a leaf issued by the root gets in'],
    ['d2', 'deep-leaf', '/ok.txt', 200, undef,
     'depth 2: the same leaf alone gets in'],
    ['cp', 'deep-leaf', '/ok.txt', 48, 'unable to get certificate CRL',
     'chain: the intermediate from the CA file needs a CRL too'],
    ['cq', 'deep-leaf', '/ok.txt', 200, undef,
     'chain: with CRLs from both CAs the leaf alone gets in'],
);

# deep-leaf: the deep certificate without its intermediate.
sub leaf_only_args {
    return ('--cert', pki('client-deep.crt'), '--key', client_key('deep'));
}

for my $c (@cases) {
    my($vh, $who, $path, $want, $logtext, $what) = @$c;
    my @cert = $who eq 'deep-leaf' ? (args => [leaf_only_args()])
                                   : (cert => $who);
    for my $mod ('mod_sslx', $modssl ? ('mod_ssl') : ()) {
        my $p = $mod eq 'mod_sslx' ? $port : $mport;
        $r = tlsprobe(port => $p, path => $path, sni => "$vh.sslx.test",
                      @cert);
        if ($want == 200) {
            is($r->{status}, '200', "$mod: $what") or show($r);
        }
        else {
            isnt($r->{status}, '200', "$mod: $what") or show($r);
            next if $mod ne 'mod_sslx';
            is($r->{alert}, $want, "$mod: ... alert $want") or show($r);
            ok(log_has(qr/SSLX01702: client certificate rejected: \Q$logtext\E/),
               "$mod: ... logged as '$logtext'");
        }
    }
    if (!$modssl) {
        SKIP: { skip 'mod_ssl is not installed', 1 }
    }
}

# A lower depth in a <Location> asks again: deep-leaf passed depth 2 in
# the handshake, /shallow/ allows 1.  TLS 1.3 post-handshake auth and
# TLS 1.2 renegotiation both ask; the client's answer fails there.
for my $v (['1.3', undef], ['1.2', $tls12]) {
    my($name, $p) = @$v;
    $r = tlsprobe(port => $port, sni => 'd2.sslx.test',
                  args => [leaf_only_args(), '--no-tickets'],
                  path => '/shallow/ok.txt', $p ? (priority => $p) : ());
    isnt($r->{status}, '200',
         "TLS $name: /shallow/ (SSLXVerifyDepth 1) refuses the leaf the "
         . "vhost accepted") or show($r);
    ok($r->{reauth} || $r->{rehandshake},
       "TLS $name: ... after asking for the certificate again") or show($r);
}

# ---- 7. OpenSSL with a Certificate message over 16 KiB -------------------
for my $v (['1.3', '-tls1_3'], ['1.2', '-tls1_2']) {
    my($name, $flag) = @$v;
    my $s = s_client(port => $port, sni => 'a.sslx.test',
                     request => "GET /ok.txt HTTP/1.0\r\nHost: a.sslx.test\r\n\r\n",
                     args => ['-quiet', $flag, client_cert_args('s_client', 'big')]);
    is(($s->{response} || {})->{code} // '', '200',
       "TLS $name: a 20 KiB client certificate from s_client is accepted")
        or diag($s->{out}, $s->{err});
}
$r = tlsprobe(port => $port, sni => 'ra.sslx.test', cert => 'big',
              path => '/need/ok.txt');
is($r->{status}, '200',
   'TLS 1.3: ... and in post-handshake authentication') or show($r);
$r = tlsprobe(port => $port, sni => 'ra.sslx.test', cert => 'big',
              path => '/need/ok.txt', priority => $tls12, @reneg);
is($r->{status}, '200', 'TLS 1.2: ... and in a renegotiation') or show($r);

# mod_ssl logs its refusals as errors; mod_sslx's are INFO (client-caused).
my $problems = join '', grep { /\[sslx:(?:error|crit|alert|emerg|warn)\]/ }
                        split /^/, read_file($elog) // '';
is($problems, '', 'no mod_sslx error or warning lines in its error log');

stop_httpd($h);
