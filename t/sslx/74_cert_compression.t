# SSLXCertificateCompression (RFC 8879).  GnuTLS compresses certificates
# only with the libraries it was built with; Debian 12's GnuTLS 3.7.9 has
# none of zlib, brotli and zstd, and OpenSSL 3.0's s_client cannot ask
# for compression at all.  So this checks the directive (arguments, the
# warning for methods the build lacks, a server that still serves), and
# runs the end-to-end part -- gnutls-cli --compress-cert receiving a
# COMPRESSED_CERTIFICATE message, and not with "off" -- only where the
# GnuTLS on the machine can compress.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;
use SSLXKeys;

plan tests => 16,
    need { 'gnutls-cli is needed' => have_cmd('gnutls-cli') };

sub vhost {
    return "    SSLXEngine on\n"
         . "    SSLXCertificateFile \"" . pki('localhost.rsa.crt') . "\"\n"
         . "    SSLXCertificateKeyFile \"" . pki('localhost.rsa.key') . "\"\n"
         . ($_[0] // '');
}

# ---- arguments ----------------------------------------------------------------------
for my $case (['gzip', qr/unknown method 'gzip'/],
              ['off zlib', qr/unknown method 'off'/],
              ['', qr/expected 'off' or some of zlib, brotli, zstd/]) {
    my($arg, $re) = @$case;
    my($conf) = key_server_conf('comp-arg', '',
                                vhost("    SSLXCertificateCompression $arg\n"));
    my $t = httpd_configtest($conf);
    isnt($t->{rc}, 0, "SSLXCertificateCompression '$arg': httpd -t fails");
    like($t->{out} . $t->{err}, $re, '... saying why');
}

# What gnutls-cli on this machine can ask for.
sub client_can {
    my($method, $port) = @_;
    my $r = gnutls_cli(port => $port, sni => 'localhost', insecure => 1,
                       args => ["--compress-cert=$method", '-d', '4'],
                       request => "GET /ok.txt HTTP/1.0\r\nHost: localhost\r\n\r\n");
    return ($r->{out} . $r->{err}) !~ /Unknown compression method/i, $r;
}

# ---- every method named, on whatever this GnuTLS has -------------------------------
my($conf, $dir, $port) = key_server_conf('comp-all', '',
    vhost("    SSLXCertificateCompression zlib brotli zstd\n"));
my $t = httpd_configtest($conf);
is($t->{rc}, 0, 'SSLXCertificateCompression zlib brotli zstd: httpd -t '
   . 'succeeds whatever GnuTLS was built with') or diag($t->{err});
my $h = start_httpd($conf, port => $port);
ok($h->{up}, '... the server starts') or diag($h->{stderr}, error_log_of($dir));
my $log = error_log_of($dir);
my @missing = $log =~ /SSLX02530: SSLXCertificateCompression: this GnuTLS \([\d.]+\) was built without ([a-z, ]+);/;
my @have;
for my $m (qw(zlib brotli zstd)) {
    push @have, $m unless grep { /\b$m\b/ } @missing;
}
ok(@missing || @have == 3, '... and either warns about the methods this '
   . 'GnuTLS lacks or has them all') or diag($log);
diag("certificate compression available here: "
     . (@have ? "@have" : 'none') . '; missing: ' . ($missing[0] // 'none'))
    if $ENV{SSLX_TEST_VERBOSE};
my $r = gnutls_cli(port => $port, sni => 'localhost', insecure => 1,
                   request => "GET /ok.txt HTTP/1.0\r\nHost: localhost\r\n\r\n");
is(($r->{response} || {})->{code}, 200, '... and serves a client that asks '
   . 'for no compression');
my($can, $cr) = client_can('zlib', $port);
ok($cr->{handshake_ok}, '... and one that may ask for zlib')
    or diag($cr->{out}, $cr->{err});
stop_httpd($h);

# ---- end to end, where the library can compress -------------------------------------
SKIP: {
    skip "this GnuTLS (gnutls-cli and the server) cannot compress "
         . "certificates with zlib: no client can ask for it here", 5
        unless $can && grep { $_ eq 'zlib' } @have;
    my($conf, $dir, $port) = key_server_conf('comp-zlib', '', vhost());
    my $h = start_httpd($conf, port => $port);
    ok($h->{up}, 'default (all available methods): the server starts');
    my(undef, $r) = client_can('zlib', $port);
    ok($r->{handshake_ok}, 'gnutls-cli --compress-cert=zlib connects');
    like($r->{out} . $r->{err}, qr/COMPRESSED[ _]CERTIFICATE/,
         '... and receives the certificate compressed');
    stop_httpd($h);

    ($conf, $dir, $port) = key_server_conf('comp-off', '',
        vhost("    SSLXCertificateCompression off\n"));
    $h = start_httpd($conf, port => $port);
    (undef, $r) = client_can('zlib', $port);
    ok($r->{handshake_ok}, 'SSLXCertificateCompression off: the client '
       . 'connects');
    unlike($r->{out} . $r->{err}, qr/COMPRESSED[ _]CERTIFICATE/,
           '... and receives the certificate uncompressed');
    stop_httpd($h);
}
