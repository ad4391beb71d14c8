import CCurl
import Glibc

extension EasyHandle {
    /// Points the body and header callbacks at this object; `context` must stay
    /// retained until the transfer is done.
    func installCallbacks(context: UnsafeMutableRawPointer) throws(CurlError) {
        try check(ccurl_easy_setopt_ptr(handle, CURLOPT_PRIVATE, context))
        try check(ccurl_easy_setopt_data_cb(handle, CURLOPT_WRITEFUNCTION, easyHandleWriteBody))
        try check(ccurl_easy_setopt_ptr(handle, CURLOPT_WRITEDATA, context))
        try check(ccurl_easy_setopt_data_cb(handle, CURLOPT_HEADERFUNCTION, easyHandleWriteHeader))
        try check(ccurl_easy_setopt_ptr(handle, CURLOPT_HEADERDATA, context))
        try check(ccurl_easy_setopt_opensocket_cb(handle, easyHandleOpenSocket))
        try check(ccurl_easy_setopt_ptr(handle, CURLOPT_OPENSOCKETDATA, context))
    }
}

private func easyHandleWriteBody(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let easy = Unmanaged<EasyHandle>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return easy.receiveBody(UnsafeRawBufferPointer(start: buffer, count: length)) ? length : 0
}

/// Opens the transfer's socket as libcurl would, remembering why when it cannot.
private func easyHandleOpenSocket(
    _ context: UnsafeMutableRawPointer?, _ purpose: curlsocktype, _ address: UnsafeMutablePointer<curl_sockaddr>?
) -> curl_socket_t {
    guard let address else { return CURL_SOCKET_BAD }
    let descriptor = socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
    if descriptor < 0, let context {
        Unmanaged<EasyHandle>.fromOpaque(context).takeUnretainedValue().socketErrno = errno
    }
    return descriptor
}

private func easyHandleWriteHeader(
    _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let easy = Unmanaged<EasyHandle>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    easy.receiveHeaderLine(UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}
