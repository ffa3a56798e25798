# mod_ssl's directives that speak OpenSSL, under mod_sslx: what GnuTLS
# can honour changes what a client sees; what it cannot is refused by
# "httpd -t" with a message naming the directive and what to use.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use SSLXTest;

plan tests => 40, need { 'openssl is needed' => have_cmd('openssl') };

my $pki = pki();

sub vhost {
    my($port, $body) = @_;
    return <<EOV;
Listen 127.0.0.1:$port
<VirtualHost 127.0.0.1:$port>
    ServerName localhost
    SSLEngine on
    SSLCertificateFile    "$pki/localhost.ecdsa.crt"
    SSLCertificateKeyFile "$pki/localhost.ecdsa.key"
$body
</VirtualHost>
EOV
}

# ---- refused at httpd -t ----------------------------------------------------
my @refused = (
    ['SSLCryptoDevice pkcs11', qr/SSLCryptoDevice pkcs11: OpenSSL engines do not exist under GnuTLS.*pkcs11: URL/],
    ['SSLSRPVerifierFile /etc/passwd', qr/SSLSRPVerifierFile: TLS-SRP is not supported.*client certificates/],
    ['SSLOpenSSLConfCmd DHParameters /x.pem', qr/SSLOpenSSLConfCmd DHParameters: not an OpenSSL command mod_sslx can honour.*SSLXPriorities/],
    ['SSLOpenSSLConfCmd Groups brainpoolP256r1', qr/SSLOpenSSLConfCmd Groups: 'brainpoolP256r1' is not known/],
    ['SSLOpenSSLConfCmd Options Compression', qr/SSLOpenSSLConfCmd Options: 'Compression' has no GnuTLS meaning/],
    ['SSLOpenSSLConfCmd MinProtocol TLSv9', qr/SSLOpenSSLConfCmd MinProtocol: expected SSLv3/],
    ['SSLVHostSNIPolicy insecure', qr/SSLVHostSNIPolicy insecure: mod_sslx always applies the 'secure' policy/],
    ['SSLCipherSuite TLSv1.3 ECDHE-ECDSA-AES128-GCM-SHA256', qr/SSLCipherSuite TLSv1\.3 .*only TLS 1\.3 suites/],
    ['SSLCipherSuite TLSv1.2 HIGH', qr/SSLCipherSuite TLSv1\.2: expected SSL or TLSv1\.3/],
    ['SSLEngine optional', qr/SSLEngine optional \(TLS upgrade of plain HTTP, RFC 2817.*use 'on' in a vhost of its own port/],
);
my $cdir = standalone_dir('modssl-directives-check');
my $n = 0;
for my $case (@refused) {
    my($line, $re) = @$case;
    my $conf = "$cdir/conf/refused" . ++$n . '.conf';
    write_file($conf, standalone_conf_head($cdir, 'warn')
                      . vhost(free_port(), "    $line"));
    my $r = httpd_configtest($conf);
    ok($r->{rc} != 0 && "$r->{out}$r->{err}" =~ $re, "refused: $line")
        or diag("$r->{out}$r->{err}");
}

my @accepted = ('SSLCryptoDevice builtin', 'SSLFIPS off',
                'SSLVHostSNIPolicy secure', 'SSLCipherSuite PROFILE=SYSTEM',
                'SSLCipherSuite HIGH:!aNULL:@SECLEVEL=2');
for my $line (@accepted) {
    my $conf = "$cdir/conf/accepted" . ++$n . '.conf';
    write_file($conf, standalone_conf_head($cdir, 'warn')
                      . vhost(free_port(), "    $line"));
    my $r = httpd_configtest($conf);
    is($r->{rc}, 0, "accepted: $line") or diag("$r->{out}$r->{err}");
}

# ---- honoured: what a client sees ----------------------------------------
my %case = (
    groups   => 'SSLOpenSSLConfCmd Groups P-384',
    min13    => 'SSLOpenSSLConfCmd MinProtocol TLSv1.3',
    max12    => 'SSLOpenSSLConfCmd MaxProtocol TLSv1.2',
    cstring  => 'SSLOpenSSLConfCmd CipherString ECDHE-ECDSA-AES256-GCM-SHA384',
    suites13 => 'SSLCipherSuite TLSv1.3 TLS_CHACHA20_POLY1305_SHA256',
    only12   => 'SSLCipherSuite ECDHE-ECDSA-AES128-SHA',
    sigalgs  => 'SSLOpenSSLConfCmd SignatureAlgorithms ECDSA+SHA384',
    notix    => 'SSLOpenSSLConfCmd Options -SessionTicket',
    legacy   => 'SSLOptions +LegacyDNStringFormat',
    chain    => "SSLCertificateChainFile \"$pki/ca.crt\"",
);
my $dir = standalone_dir('modssl-directives');
mkdir "$dir/dn.d" or die "mkdir: $!";
write_file("$dir/dn.d/foreign.pem", read_file("$pki/foreign-ca.crt"));
$case{dnpath} = "SSLVerifyClient optional\n"
              . "    SSLCACertificateFile \"$pki/client-ca.crt\"\n"
              . "    SSLCADNRequestPath \"$dir/dn.d\"";
# mod_ssl 2.4 takes the CAs in a <Location> as its vhost's.
$case{dirca} = "<Location /ok.txt>\n"
             . "        SSLVerifyClient require\n"
             . "        SSLCACertificateFile \"$pki/client-ca.crt\"\n"
             . "    </Location>";
my(%port, $conf);
mkdir "$dir/locks" or die "mkdir: $!";
$conf = standalone_conf_head($dir, 'info sslx:debug')
      . "Header always set X-DN \"%{SSL_SERVER_S_DN}s\"\n"
      . "SSLSessionCache \"shmcb:$dir/logs/scache(512000)\"\n"
      . "Mutex flock:$dir/locks ssl-cache\n"
      . "Mutex default ssl-stapling\n";
for my $k (sort keys %case) {
    $port{$k} = free_port();
    $conf .= vhost($port{$k}, "    $case{$k}");
}
write_file("$dir/conf/httpd.conf", $conf);
my $h = start_httpd("$dir/conf/httpd.conf", port => $port{groups});
ok($h->{up}, 'a server with every honoured command starts')
    or diag($h->{stderr}, read_file("$dir/logs/error_log") // '');
END { local $?; stop_httpd($h) }

sub hello {
    my($k, @args) = @_;
    return s_client(port => $port{$k}, sni => 'localhost',
                    args => [@args, '-brief'],
                    request => "GET /ok.txt HTTP/1.0\r\n\r\n");
}

# s_client -brief prints "Protocol version:" and "Ciphersuite:" (on
# stderr).
sub brief {
    my $r = shift;
    my $all = "$r->{out}$r->{err}";
    my($v) = $all =~ /Protocol version: (\S+)/;
    my($c) = $all =~ /Ciphersuite: (\S+)/;
    return join ' ', $v // 'none', $c // 'none';
}

like(brief(hello('groups', '-groups', 'X25519')), qr/^none/,
     'Groups P-384: a client offering only X25519 gets no session');
like(brief(hello('groups', '-groups', 'P-384')), qr/^TLSv1\.3 /,
     '... one offering P-384 does');
like(brief(hello('min13', '-tls1_2')), qr/^none/,
     'MinProtocol TLSv1.3: a TLS 1.2 client gets no session');
like(brief(hello('max12')), qr/^TLSv1\.2 /,
     'MaxProtocol TLSv1.2: a TLS 1.3 client gets TLS 1.2');
is(brief(hello('cstring', '-tls1_2')), 'TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384',
   'CipherString: the TLS 1.2 suite asked for');
is(brief(hello('suites13')), 'TLSv1.3 TLS_CHACHA20_POLY1305_SHA256',
   'SSLCipherSuite TLSv1.3: the TLS 1.3 suite asked for');
like(brief(hello('suites13', '-ciphersuites', 'TLS_AES_128_GCM_SHA256')),
     qr/^none/, '... and no other');
is(brief(hello('only12', '-tls1_2')), 'TLSv1.2 ECDHE-ECDSA-AES128-SHA',
   'SSLCipherSuite with TLS 1.2 suites: TLS 1.2 clients get them');
like(brief(hello('only12')), qr/^TLSv1\.3 TLS_/,
     '... while TLS 1.3 clients keep TLS 1.3, as under mod_ssl');
like(brief(hello('sigalgs', '-tls1_2', '-sigalgs', 'ECDSA+SHA256')),
     qr/^none/, 'SignatureAlgorithms ECDSA+SHA384: a client allowing only '
     . 'SHA-256 signatures gets no session');
like(join('', @{ hello('sigalgs', '-tls1_2') }{qw(out err)}),
     qr/^Hash used: SHA384$/m,
     '... others get a SHA-384 signature');
my $tix = hello('notix', '-tls1_2', '-sess_out', "$dir/notix.sess");
my $plain = hello('cstring', '-tls1_2', '-sess_out', "$dir/tix.sess");
my $has_ticket = sub {
    my $f = shift;
    my $t = run_cmd([qw(openssl sess_id -noout -text -in), $f], timeout => 10);
    return $t->{out} =~ /TLS session ticket:/ ? 'ticket' : 'no ticket';
};
is($has_ticket->("$dir/tix.sess") . ' / ' . $has_ticket->("$dir/notix.sess"),
   'ticket / no ticket', 'Options -SessionTicket: no session ticket');

my $dn = curl_https(port => $port{legacy}, path => '/ok.txt');
is($dn->{headers}->{'x-dn'} // '',
   '/C=DE/ST=Bayern/L=M\\xC3\\xBCnchen/O=Example, Inc./OU=Web/OU=TLS'
   . '/CN=localhost/emailAddress=webmaster@localhost',
   'SSLOptions +LegacyDNStringFormat: SSL_SERVER_S_DN in the old form');
$dn = curl_https(port => $port{cstring}, path => '/ok.txt');
like($dn->{headers}->{'x-dn'} // '', qr/^emailAddress=webmaster\@localhost,CN=localhost,/,
     '... and in RFC 2253 form without it');

opendir my $dh, "$dir/locks" or die "opendir: $!";
my @locks = grep { /ssl-cache/ } readdir $dh;
ok(scalar @locks, "Mutex flock:... ssl-cache: the session cache's lock file "
   . 'is where the mod_ssl name put it') or diag("locks: @locks");

my $names = s_client(port => $port{dnpath}, sni => 'localhost',
                     request => "GET /ok.txt HTTP/1.0\r\n\r\n");
my($acceptable) = "$names->{out}$names->{err}"
    =~ /Acceptable client certificate CA names\n(.*?)\n(?:\S|$)/s;
is($acceptable // '', 'C = DE, O = mod_sslx Test, CN = Foreign CA',
   'SSLCADNRequestPath: the certificate request names the CAs of that '
   . 'directory, not the trusted ones') or diag($names->{out});

my $dirca = curl_https(port => $port{dirca}, path => '/ok.txt',
                       args => [client_cert_args(curl => 'alice')]);
is($dirca->{code}, 200, 'SSLCACertificateFile in a <Location>: a client '
   . 'certificate from that CA is accepted there') or diag($dirca->{err});
$dirca = curl_https(port => $port{dirca}, path => '/ok.txt');
isnt($dirca->{code}, 200, '... and one without a certificate is not');
my $htconf = "$cdir/conf/htaccess.conf";
mkdir "$cdir/ht" or die "mkdir: $!";
write_file("$cdir/ht/.htaccess", "SSLCACertificateFile \"$pki/client-ca.crt\"\n");
write_file("$cdir/ht/ok.txt", "ok\n");
my $htport = free_port();
write_file($htconf, standalone_conf_head($cdir, 'info')
    . vhost($htport, "    Alias /ht \"$cdir/ht\"\n"
                   . "    <Directory \"$cdir/ht\">\n"
                   . "        AllowOverride AuthConfig\n"
                   . "        Require all granted\n"
                   . "    </Directory>"));
my $ht = start_httpd($htconf, port => $htport);
my $htget = curl_https(port => $htport, path => '/ht/ok.txt');
is($htget->{code}, 500, 'SSLCACertificateFile in .htaccess: 500');
like(read_file("$cdir/logs/error_log") // '',
     qr/SSLCACertificateFile cannot be used in \.htaccess: the CAs a client certificate is verified against belong to the vhost/,
     '... and the log says why and where to put it');
stop_httpd($ht);

# ---- SSLSessionTicketKeyFile: mod_ssl's 48-byte files, in a vhost ------------
sub key48 {
    my $path = shift;
    open my $rnd, '<:raw', '/dev/urandom' or die "urandom: $!";
    read($rnd, my $bytes, 48) == 48 or die 'short read';
    write_file($path, $bytes, 0600);
    return $path;
}
my $kdir = standalone_dir('modssl-ticket-keys');
key48("$kdir/one.key");
key48("$kdir/two.key");
my @tk = map {
    start_tls_server("modssl-tickets-$_->[0]", '',
                     "    SSLSessionTicketKeyFile \"$kdir/$_->[1]\"")
} (['a', 'one.key'], ['b', 'one.key'], ['c', 'two.key']);
ok(!grep({ !$_->{up} } @tk),
   'three servers with mod_ssl-style 48-byte ticket key files in the vhost')
    or diag(map { $_->{stderr} // '' } @tk);
sub resumed_on {
    my($h, $sess, $inout) = @_;
    my $r = s_client(port => $h->{port}, sni => 'localhost',
                     args => ['-tls1_3', "-sess_$inout", $sess],
                     request => "GET /ok.txt HTTP/1.0\r\n\r\n");
    return $r->{out} =~ /^Reused, /m ? 'resumed' : 'full';
}
my $sess = "$kdir/a.sess";
resumed_on($tk[0], $sess, 'out');
is(resumed_on($tk[1], $sess, 'in') . ' ' . resumed_on($tk[2], $sess, 'in'),
   'resumed full', 'a ticket resumes where the same 48-byte file is, not '
   . 'where another is');
my $two = standalone_dir('modssl-ticket-keys-two');
write_file("$two/conf/httpd.conf", standalone_conf_head($two, 'warn')
           . vhost(free_port(), "    SSLSessionTicketKeyFile $kdir/one.key")
           . vhost(free_port(), "    SSLSessionTicketKeyFile $kdir/two.key"));
my $t = httpd_configtest("$two/conf/httpd.conf");
$t = $t->{rc} == 0 ? start_httpd("$two/conf/httpd.conf", timeout => 10)
                   : { stderr => "$t->{out}$t->{err}", exited => 1 };
stop_httpd($t) unless $t->{exited};
like(($t->{stderr} // '') . (read_file("$two/logs/error_log") // ''),
     qr/SSLX01620: SSLXSessionTicketKeyFile: '[^']+' and '[^']+' in different vhosts; mod_sslx keeps one/,
     'two vhosts naming different ticket key files: refused with why');

my $chain = s_client(port => $port{chain}, sni => 'localhost',
                     request => "GET /ok.txt HTTP/1.0\r\n\r\n");
my @chain = $chain->{out} =~ /^ (\d) s:/mg;
is("@chain", '0 1', 'SSLCertificateChainFile: the CA certificate follows '
   . 'the leaf') or diag($chain->{out});
